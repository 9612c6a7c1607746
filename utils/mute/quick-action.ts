import * as z from 'zod/mini';
import { MuteLimitsSchema } from '../policy/policy';
import { DurationPresetSchema, NoSpeakingSecondsSchema } from './durations';
import { ScopesSchema } from './scopes';
import { UserIdSchema } from './user-id';
import { MuteStateSchema } from './state';
import { EnvironmentSchema } from '../vault/profile';
import { HostAccessSchema } from '../chat-api/host-access';

/**
 * An action started outside the popup (context menu, keyboard shortcut, page button) that needs
 * the small action window: to unlock first, to choose a custom duration, or to confirm.
 * Kept in storage.session until done, so it is never silently dropped.
 */
export const QuickActionSchema = z.strictObject({
  id: z.string().check(z.maxLength(64)),
  /** `unlock` and `access` only get the extension ready: unlocked, and able to reach the app. */
  kind: z.enum(['mute', 'unmute', 'check', 'unlock', 'access', 'undo']),
  userId: z.nullable(UserIdSchema),
  /** The app; null means the default app, decided once unlocked. */
  profileId: z.nullable(z.string().check(z.maxLength(64))),
  /** Seconds to apply; null means the operator chooses in the window. */
  seconds: z.nullable(NoSpeakingSecondsSchema),
  /** For `undo`: the undo record a notification offered (the window shows it, Enter runs it). */
  undoId: z.optional(z.string().check(z.maxLength(64))),
  source: z.enum(['menu', 'shortcut', 'page']),
  pageUrl: z.optional(z.string().check(z.maxLength(2048))),
  createdAt: z.number(),
});
export type QuickAction = z.infer<typeof QuickActionSchema>;

/** What the action window shows: the action, the app it will act on, and the presets. */
export const QuickActionViewSchema = z.strictObject({
  action: QuickActionSchema,
  locked: z.boolean(),
  app: z.nullable(
    z.strictObject({
      profileId: z.string(),
      label: z.string(),
      environment: EnvironmentSchema,
      sdkAppId: z.int(),
      adminAccount: z.string().check(z.maxLength(32)),
    }),
  ),
  /** What is in place for the target now (null while locked, or when it could not be read). */
  state: z.nullable(MuteStateSchema),
  /** Host access the app lacks: the window asks the browser for it before anything runs. */
  access: z.nullable(HostAccessSchema),
  presets: z.array(DurationPresetSchema),
  /** The scopes ticked for a mute, and the reason presets (null: the built-in ones). */
  defaultScopes: ScopesSchema,
  reasons: z.nullable(z.array(z.string())),
  confirmProduction: z.boolean(),
  /** The organisation's limits: the window shows a refusal before Enter. */
  policy: z.strictObject({ rules: MuteLimitsSchema }),
});
export type QuickActionView = z.infer<typeof QuickActionViewSchema>;
