import type { Handlers } from '../router';
import type { Services } from '../services';

export function pickerHandlers({
  picker,
}: Services): Pick<Handlers, 'picker.start' | 'picker.save'> {
  return {
    async 'picker.start'({ tabId, origin }) {
      await picker.start(tabId, origin);
      return {};
    },
    async 'picker.save'({ finder }, context) {
      const tab = context.sender.tab as { id?: number } | undefined;
      await picker.save(context.sender.url ?? '', tab?.id, finder);
      return {};
    },
  };
}
