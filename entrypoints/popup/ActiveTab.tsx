import { useCallback, useEffect, useState } from 'preact/hooks';
import { useSend } from '../../components/background';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useNow } from '../../components/useNow';
import { t } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import type { ActiveMuteView } from '../../utils/messages/protocol';
import { UNMUTE_SECONDS } from '../../utils/mute/durations';
import { isMuted, isScopeMuted } from '../../utils/mute/state';
import { describeState } from '../../utils/mute/describe-state';
import type { ProfileMeta } from '../../utils/vault/profile';

const REFRESH_COOLDOWN_MS = 10_000;

/**
 * The mutes this extension applied to the current app (Tencent cannot list them), with
 * countdowns, one-click unmute (all or one scope), "Restore previous" while an undo is open,
 * and a rate-limited refresh that marks entries changed elsewhere.
 */
export function ActiveTab({
  profile,
  onCount,
}: {
  profile: ProfileMeta;
  onCount: (n: number) => void;
}) {
  const send = useSend();
  const now = useNow(1000);
  const [entries, setEntries] = useState<ActiveMuteView[] | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [refreshedAt, setRefreshedAt] = useState(0);
  const [notice, setNotice] = useState('');

  const show = useCallback(
    (list: ActiveMuteView[]) => {
      setEntries(list);
      onCount(list.filter((e) => isMuted(e.state, Date.now())).length);
    },
    [onCount],
  );

  useEffect(() => {
    send({ type: 'activeMutes.list', profileId: profile.id }).then(show, (e: unknown) =>
      setError(asAppError(e)),
    );
  }, [send, profile.id, show]);

  async function act(work: () => Promise<unknown>, message: string) {
    setError(null);
    try {
      await work();
      setNotice(message);
      show(await send({ type: 'activeMutes.list', profileId: profile.id }));
    } catch (e) {
      setError(asAppError(e));
    }
  }

  function unmute(entry: ActiveMuteView, scopes: { c2c: boolean; group: boolean }) {
    void act(
      () =>
        send({
          type: 'mute.apply',
          profileId: profile.id,
          userId: entry.userId,
          scopes,
          seconds: UNMUTE_SECONDS,
          reason: '',
          source: 'popup',
          confirmed: [],
        }),
      t('active_unmuted', entry.userId),
    );
  }

  async function refresh() {
    setRefreshedAt(Date.now());
    setError(null);
    try {
      show(await send({ type: 'activeMutes.refresh', profileId: profile.id }));
    } catch (e) {
      setError(asAppError(e));
    }
  }

  const visible = entries?.filter((e) => isMuted(e.state, now) || e.changedElsewhere) ?? [];
  return (
    <div class="active-mutes">
      <div class="actions">
        <button
          type="button"
          class="secondary"
          disabled={now - refreshedAt < REFRESH_COOLDOWN_MS}
          onClick={() => void refresh()}
        >
          {t('active_refresh')}
        </button>
      </div>
      <p aria-live="polite" class="hint">
        {notice}
      </p>
      {error && <ErrorNotice error={error} />}
      {entries !== null && visible.length === 0 && <p class="hint">{t('active_none')}</p>}
      <ul class="active-list">
        {visible.map((entry) => {
          const both = isScopeMuted(entry.state.c2c, now) && isScopeMuted(entry.state.group, now);
          const undoOpen =
            entry.undoId !== null && entry.undoExpiresAt !== null && now < entry.undoExpiresAt;
          return (
            <li key={entry.userId} aria-label={entry.userId}>
              <div class="active-head">
                <code>{entry.userId}</code>
                {entry.changedElsewhere && (
                  <span class="badge">{t('active_changedElsewhere')}</span>
                )}
              </div>
              <p class="active-state">{describeState(entry.state, now)}</p>
              {entry.reason && <p class="hint">{entry.reason}</p>}
              <div class="actions">
                {isMuted(entry.state, now) && (
                  <button
                    type="button"
                    class="secondary"
                    aria-label={t('active_unmuteLabel', entry.userId)}
                    onClick={() => unmute(entry, { c2c: true, group: true })}
                  >
                    {t('active_unmute')}
                  </button>
                )}
                {both && (
                  <>
                    <button
                      type="button"
                      class="secondary small"
                      onClick={() => unmute(entry, { c2c: true, group: false })}
                    >
                      {t('active_unmuteC2c')}
                    </button>
                    <button
                      type="button"
                      class="secondary small"
                      onClick={() => unmute(entry, { c2c: false, group: true })}
                    >
                      {t('active_unmuteGroup')}
                    </button>
                  </>
                )}
                {undoOpen && entry.undoId !== null && (
                  <button
                    type="button"
                    class="secondary small"
                    onClick={() => {
                      const undoId = entry.undoId;
                      if (undoId)
                        void act(
                          () => send({ type: 'mute.undo', undoId }),
                          t('active_restored', entry.userId),
                        );
                    }}
                  >
                    {t('active_restorePrevious')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
