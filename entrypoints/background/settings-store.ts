import { storage } from '#imports';
import {
  DEFAULT_SETTINGS,
  SettingsSchema,
  migrateSettingsV1toV2,
  type Settings,
} from '../../utils/settings';
import { validatedItem, type ValidatedItem } from '../../utils/storage/validated-item';

/**
 * Plain (non-secret) settings, in `storage.local` under "settings". Created only by the
 * background: a WXT item with migrations starts migrating in whichever context defines it.
 * Version history: 1 — { autoLockMinutes }; 2 — presets, reasons, confirmations, default
 * scopes, last duration, audit limits.
 */
export function createSettingsStore(): ValidatedItem<Settings> {
  const item = storage.defineItem<unknown>('local:settings', {
    version: 2,
    migrations: { 2: migrateSettingsV1toV2 },
  });
  return validatedItem(item, SettingsSchema, DEFAULT_SETTINGS);
}
