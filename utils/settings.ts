import * as z from 'zod/mini';
import { DEFAULT_PRESETS, DurationPresetSchema, NoSpeakingSecondsSchema } from './mute/durations';
import { BOTH_SCOPES, ScopesSchema } from './mute/scopes';
import {
  ModeratorNameSchema,
  PolicyViewSchema,
  policyForPages,
  type PolicyView,
} from './policy/policy';

const SETTINGS_V2_SHAPE = {
  /** Lock after this many idle minutes; null locks only when the browser closes. */
  autoLockMinutes: z.nullable(z.int().check(z.minimum(1), z.maximum(1440))),
  /** The duration presets, in the order shown (keys 1–6 pick the first six). */
  presets: z.array(DurationPresetSchema).check(z.minLength(1), z.maxLength(12)),
  /** Reason presets; null means the built-in list in the UI language. */
  reasonPresets: z.nullable(
    z.array(z.string().check(z.minLength(1), z.maxLength(80))).check(z.maxLength(20)),
  ),
  /** Ask before any mute on a production app, not only permanent ones. */
  confirmProduction: z.boolean(),
  /** The scopes ticked when the form opens. */
  defaultScopes: ScopesSchema,
  /** The duration chosen last time (a preset id or custom notation), remembered. */
  lastDuration: z.nullable(z.string().check(z.maxLength(32))),
  /** The audit log keeps at most this many entries, and none older than this many days. */
  auditMaxEntries: z.int().check(z.minimum(100), z.maximum(20000)),
  auditRetentionDays: z.int().check(z.minimum(1), z.maximum(3650)),
};

const SETTINGS_V3_SHAPE = {
  ...SETTINGS_V2_SHAPE,
  /**
   * What the keyboard shortcut mutes for (its action window shows it before Enter): a fixed
   * choice, never the popup's last one.
   */
  defaultSeconds: NoSpeakingSecondsSchema.check(z.minimum(1)),
};

/**
 * The operator's preferences. Not secret (they live in plain storage.local), but validated on
 * every read like everything else.
 */
export const SettingsSchema = z.strictObject({
  ...SETTINGS_V3_SHAPE,
  /** The name this browser's audit entries carry (declared by the operator, not checked). */
  moderatorName: z.nullable(ModeratorNameSchema),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = z.partial(SettingsSchema);
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = {
  autoLockMinutes: 15,
  presets: [...DEFAULT_PRESETS],
  reasonPresets: null,
  confirmProduction: false,
  defaultScopes: BOTH_SCOPES,
  lastDuration: null,
  auditMaxEntries: 5000,
  auditRetentionDays: 90,
  defaultSeconds: 3600,
  moderatorName: null,
};

/** Version 1 of the stored settings, kept to migrate from. */
export const SettingsV1Schema = z.strictObject({
  autoLockMinutes: z.nullable(z.int().check(z.minimum(1), z.maximum(1440))),
});

/** v1 → v2: the popup's preferences and the audit limits arrive with their defaults. Throws on
 * anything that is not a v1 record, so WXT writes nothing over it. */
export function migrateSettingsV1toV2(value: unknown): unknown {
  const v1 = SettingsV1Schema.parse(value);
  const { defaultSeconds: _v3, moderatorName: _v4, ...v2 } = DEFAULT_SETTINGS;
  return { ...v2, autoLockMinutes: v1.autoLockMinutes };
}

/** v2 → v3: the default duration (1 hour) arrives. Throws on anything that is not v2. */
export function migrateSettingsV2toV3(value: unknown): unknown {
  const v2 = z.strictObject(SETTINGS_V2_SHAPE).parse(value);
  return { ...v2, defaultSeconds: DEFAULT_SETTINGS.defaultSeconds };
}

/** v3 → v4: the moderator's name arrives, unset. Throws on anything that is not v3. */
export function migrateSettingsV3toV4(value: unknown): Settings {
  const v3 = z.strictObject(SETTINGS_V3_SHAPE).parse(value);
  return { ...v3, moderatorName: null };
}

/**
 * The settings in force: the operator's, with the organisation's policy applied on top (a
 * shorter auto-lock, confirmation on production apps), and the policy itself. The stored
 * settings are never changed by the policy: a policy that goes away gives them back as they were.
 */
export const EffectiveSettingsSchema = z.extend(SettingsSchema, { policy: PolicyViewSchema });
export type EffectiveSettings = z.infer<typeof EffectiveSettingsSchema>;

export function applyPolicy(settings: Settings, policy: PolicyView): EffectiveSettings {
  const longest = policy.rules.longestAutoLockMinutes;
  return {
    ...settings,
    autoLockMinutes:
      longest === null
        ? settings.autoLockMinutes
        : Math.min(settings.autoLockMinutes ?? longest, longest),
    confirmProduction: settings.confirmProduction || policy.rules.confirmProduction,
    // A name the policy sets (or meant to and could not) is not the operator's to choose.
    moderatorName: policy.setKeys.includes('moderatorName')
      ? policy.rules.moderatorName
      : settings.moderatorName,
    // What pages read: the delivery destination's URL (a secret) cut to its host.
    policy: policyForPages(policy),
  };
}
