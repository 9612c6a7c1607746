import type { Handlers } from '../router';
import type { Services } from '../services';

export function auditHandlers({ audit }: Services): Pick<Handlers, 'audit.list' | 'audit.health'> {
  return {
    'audit.list': ({ userQuery, profileId, moderator }) =>
      audit.list({
        ...(userQuery === undefined ? {} : { userQuery }),
        ...(profileId === undefined ? {} : { profileId }),
        ...(moderator === undefined ? {} : { moderator }),
      }),
    'audit.health': () => Promise.resolve(audit.health()),
  };
}
