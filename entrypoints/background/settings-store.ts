import { storage } from '#imports';
import {
  DEFAULT_SETTINGS,
  SettingsSchema,
  migrateSettingsV1toV2,
  migrateSettingsV2toV3,
  migrateSettingsV3toV4,
  type Settings,
} from '../../utils/settings';
import { validatedItem, type ValidatedItem } from '../../utils/storage/validated-item';
import { STORED, wxtKey } from '../../utils/storage/keys';

/**
 * Plain (non-secret) settings, in `storage.local` under "settings". Created only by the
 * background: a WXT item with migrations starts migrating in whichever context defines it.
 * Version history: 1 — { autoLockMinutes }; 2 — presets, reasons, confirmations, default
 * scopes, last duration, audit limits; 3 — the default duration of the keyboard shortcut;
 * 4 — the moderator's name.
 */
export function createSettingsStore(): ValidatedItem<Settings> {
  const item = storage.defineItem<unknown>(wxtKey('settings'), {
    version: STORED.settings.version,
    migrations: { 2: migrateSettingsV1toV2, 3: migrateSettingsV2toV3, 4: migrateSettingsV3toV4 },
  });
  return validatedItem(item, SettingsSchema, DEFAULT_SETTINGS);
}
