import type { Handlers } from '../router';
import type { Services } from '../services';

export function auditHandlers({ audit }: Services): Pick<Handlers, 'audit.list'> {
  return {
    'audit.list': ({ userQuery, profileId }) =>
      audit.list({
        ...(userQuery === undefined ? {} : { userQuery }),
        ...(profileId === undefined ? {} : { profileId }),
      }),
  };
}
