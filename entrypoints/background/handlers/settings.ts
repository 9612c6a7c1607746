import type { Handlers } from '../router';
import type { Services } from '../services';

export function settingsHandlers({
  settings,
  autoLock,
  refreshMenus,
}: Services): Pick<Handlers, 'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => settings.get(),
    async 'settings.update'({ patch }) {
      const next = await settings.update((current) => ({ ...current, ...patch }));
      await autoLock.onSettingsChange();
      if (patch.presets) await refreshMenus();
      return next;
    },
  };
}
