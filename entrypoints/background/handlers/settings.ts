import { applyPolicy } from '../../../utils/settings';
import type { Handlers } from '../router';
import type { Services } from '../services';

export function settingsHandlers({
  settings,
  policy,
  effectiveSettings,
  autoLock,
  refreshMenus,
}: Services): Pick<Handlers, 'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => effectiveSettings(),
    // The operator's own choice is stored as made; the policy applies on top when it is read.
    async 'settings.update'({ patch }) {
      const next = await settings.update((current) => ({ ...current, ...patch }));
      await autoLock.onSettingsChange();
      if (patch.presets) await refreshMenus();
      return applyPolicy(next, await policy.current());
    },
  };
}
