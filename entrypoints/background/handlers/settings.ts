import type { Handlers } from '../router';
import type { Services } from '../services';

export function settingsHandlers({
  settings,
  autoLock,
}: Services): Pick<Handlers, 'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => settings.get(),
    async 'settings.update'({ patch }) {
      const next = await settings.update((current) => ({ ...current, ...patch }));
      await autoLock.onSettingsChange();
      return next;
    },
  };
}
