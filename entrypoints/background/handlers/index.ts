import type { Handlers } from '../router';
import type { Services } from '../services';
import { profileHandlers } from './profiles';
import { settingsHandlers } from './settings';
import { vaultHandlers } from './vault';

/** Every request type's handler, built from the worker's services. */
export function createHandlers(services: Services): Handlers {
  return {
    ...vaultHandlers(services),
    ...profileHandlers(services),
    ...settingsHandlers(services),
  };
}
