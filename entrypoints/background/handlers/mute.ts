import { differs } from '../../../utils/mute/active-mute';
import type { ActiveMuteView } from '../../../utils/messages/protocol';
import type { Handlers } from '../router';
import type { Services } from '../services';
import { STORED } from '../../../utils/storage/keys';

/** Reads back the real state of an app's active mutes at most this often. */
const REFRESH_INTERVAL_MS = 10_000;

type MuteHandlers = Pick<
  Handlers,
  'mute.state' | 'mute.apply' | 'mute.undo' | 'activeMutes.list' | 'activeMutes.refresh'
>;

export function muteHandlers(services: Services): MuteHandlers {
  const { mute, registry, undo, session, now } = services;
  const lastRefresh = new Map<string, number>();

  async function withUndo(
    profileId: string,
    refreshedOverride?: ActiveMuteView[],
  ): Promise<ActiveMuteView[]> {
    const records = await undo.live();
    const entries =
      refreshedOverride ??
      (await registry.list(profileId)).map((e) => ({ ...e, undoId: null, undoExpiresAt: null }));
    return entries.map((entry) => {
      const record = records.find(
        (r) => r.profileId === entry.profileId && r.userId === entry.userId,
      );
      return { ...entry, undoId: record?.id ?? null, undoExpiresAt: record?.expiresAt ?? null };
    });
  }

  return {
    'mute.state': ({ profileId, userId }) => mute.readState(profileId, userId),
    async 'mute.apply'(request) {
      const key =
        request.progressId === undefined ? null : `${STORED.progress.key}${request.progressId}`;
      try {
        return await mute.apply({
          profileId: request.profileId,
          userId: request.userId,
          scopes: request.scopes,
          seconds: request.seconds,
          reason: request.reason,
          source: request.source,
          undoable: true,
          confirmed: request.confirmed,
          ...(key
            ? {
                onRetry: ({ attempt, delayMs, error }) =>
                  void session.set({ [key]: { attempt, delayMs, category: error.category } }),
              }
            : {}),
        });
      } finally {
        if (key) await session.remove(key);
      }
    },
    'mute.undo': ({ undoId }) => mute.undo(undoId, 'popup'),
    'activeMutes.list': ({ profileId }) => withUndo(profileId),
    async 'activeMutes.refresh'({ profileId }) {
      const last = lastRefresh.get(profileId) ?? 0;
      if (now() - last < REFRESH_INTERVAL_MS) return withUndo(profileId);
      lastRefresh.set(profileId, now());
      const entries = await registry.list(profileId);
      const refreshed = await Promise.all(
        entries.map(async (entry) => {
          try {
            const view = await mute.readState(profileId, entry.userId);
            const changed = differs(entry.state, view.state, view.readAt);
            const updated = {
              ...entry,
              state: view.state,
              changedElsewhere: changed || entry.changedElsewhere,
              checkedAt: view.readAt,
            };
            registry.record(updated);
            return { ...updated, undoId: null, undoExpiresAt: null };
          } catch {
            return { ...entry, undoId: null, undoExpiresAt: null };
          }
        }),
      );
      return withUndo(profileId, refreshed);
    },
  };
}
