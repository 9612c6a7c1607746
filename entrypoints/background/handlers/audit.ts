import type { Handlers } from '../router';
import type { Services } from '../services';

export function auditHandlers({ audit }: Services): Pick<Handlers, 'audit.list' | 'audit.health'> {
  return {
    'audit.list': ({ userQuery, profileId }) =>
      audit.list({
        ...(userQuery === undefined ? {} : { userQuery }),
        ...(profileId === undefined ? {} : { profileId }),
      }),
    'audit.health': () => Promise.resolve(audit.health()),
  };
}
