import type { Handlers } from '../router';
import type { Services } from '../services';

type QuickActionHandlers = Pick<
  Handlers,
  'quickAction.get' | 'quickAction.run' | 'quickAction.cancel'
>;

export function quickActionHandlers({ quickActions }: Services): QuickActionHandlers {
  return {
    'quickAction.get': () => quickActions.view(),
    'quickAction.run': ({ id, confirmed, seconds, scopes, reason }) =>
      quickActions.run(id, confirmed, { seconds, scopes, reason }),
    async 'quickAction.cancel'({ id }) {
      await quickActions.cancel(id);
      return {};
    },
  };
}
