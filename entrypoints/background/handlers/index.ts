import type { Handlers } from '../router';
import type { Services } from '../services';
import { auditHandlers } from './audit';
import { bulkHandlers } from './bulk';
import { deliveryHandlers } from './delivery';
import { muteHandlers } from './mute';
import { pageHandlers } from './page';
import { pickerHandlers } from './picker';
import { quickActionHandlers } from './quick-actions';
import { siteHandlers } from './sites';
import { profileHandlers } from './profiles';
import { settingsHandlers } from './settings';
import { storageHandlers } from './storage';
import { vaultHandlers } from './vault';

/** Every request type's handler, built from the worker's services. */
export function createHandlers(services: Services): Handlers {
  return {
    ...vaultHandlers(services),
    ...profileHandlers(services),
    ...settingsHandlers(services),
    ...muteHandlers(services),
    ...bulkHandlers(services),
    ...auditHandlers(services),
    ...deliveryHandlers(services),
    ...pageHandlers(services),
    ...siteHandlers(services),
    ...quickActionHandlers(services),
    ...pickerHandlers(services),
    ...storageHandlers(services),
  };
}
