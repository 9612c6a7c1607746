import type { Handlers } from '../router';
import type { Services } from '../services';

export function auditHandlers({
  audit,
  delivery,
}: Services): Pick<Handlers, 'audit.list' | 'audit.health'> {
  return {
    async 'audit.list'({ userQuery, profileId, moderator }) {
      const listing = await audit.list({
        ...(userQuery === undefined ? {} : { userQuery }),
        ...(profileId === undefined ? {} : { profileId }),
        ...(moderator === undefined ? {} : { moderator }),
      });
      // The log notes what its delivery had to drop, so no entry goes missing unannounced.
      const { dropped, lastDroppedAt } = await delivery.state();
      return { ...listing, undelivered: { count: dropped, lastAt: lastDroppedAt } };
    },
    'audit.health': () => Promise.resolve(audit.health()),
  };
}
