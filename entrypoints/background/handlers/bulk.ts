import type { Handlers } from '../router';
import type { Services } from '../services';

type BulkHandlers = Pick<
  Handlers,
  'bulk.start' | 'bulk.status' | 'bulk.apply' | 'bulk.retryFailed' | 'bulk.cancel' | 'bulk.clear'
>;

export function bulkHandlers({ bulk }: Services): BulkHandlers {
  return {
    'bulk.start': ({ type: _type, ...input }) => bulk.start(input),
    'bulk.status': () => bulk.status(),
    'bulk.apply': ({ jobId, shorten }) => bulk.apply(jobId, shorten),
    'bulk.retryFailed': ({ jobId }) => bulk.retryFailed(jobId),
    'bulk.cancel': ({ jobId }) => bulk.cancel(jobId),
    async 'bulk.clear'() {
      await bulk.clear();
      return {};
    },
  };
}
