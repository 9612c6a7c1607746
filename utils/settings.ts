import { z } from 'zod';

/**
 * The operator's preferences. Not secret (they live in plain storage.local), but validated on
 * every read like everything else.
 */
export const SettingsSchema = z
  .object({
    /** Lock after this many idle minutes; null locks only when the browser closes. */
    autoLockMinutes: z.number().int().min(1).max(1440).nullable(),
  })
  .strict();
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = { autoLockMinutes: 15 };
