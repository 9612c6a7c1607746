import * as z from 'zod/mini';

/**
 * The operator's preferences. Not secret (they live in plain storage.local), but validated on
 * every read like everything else.
 */
export const SettingsSchema = z.strictObject({
  /** Lock after this many idle minutes; null locks only when the browser closes. */
  autoLockMinutes: z.nullable(z.int().check(z.minimum(1), z.maximum(1440))),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = z.partial(SettingsSchema);
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = { autoLockMinutes: 15 };
