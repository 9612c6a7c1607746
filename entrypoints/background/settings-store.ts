import { storage } from '#imports';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../../utils/settings';
import { validatedItem, type ValidatedItem } from '../../utils/storage/validated-item';

/**
 * Plain (non-secret) settings, in `storage.local` under "settings". Created only by the
 * background: a WXT item with migrations starts migrating in whichever context defines it.
 * Version history: 1 — { autoLockMinutes }.
 */
export function createSettingsStore(): ValidatedItem<Settings> {
  const item = storage.defineItem<unknown>('local:settings', { version: 1 });
  return validatedItem(item, SettingsSchema, DEFAULT_SETTINGS);
}
