import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { useSend } from '../../components/background';
import {
  DurationPicker,
  choiceFromMemory,
  resolveDuration,
  type DurationChoice,
} from '../../components/DurationPicker';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { ErrorNotice } from '../../components/ErrorNotice';
import { UnlockForm } from '../../components/UnlockForm';
import { useNow } from '../../components/useNow';
import { t } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import { PERMANENT_SECONDS } from '../../utils/mute/durations';
import type { QuickActionView } from '../../utils/mute/quick-action';

const CLOSE_AFTER_MS = 2500;

/**
 * The small window an action from the menu, a shortcut or a page button opens when it needs
 * the operator: to unlock, to choose a custom duration, or to confirm a permanent or production
 * mute. It then carries on with the same target and closes itself.
 */
export function App() {
  const send = useSend();
  const now = useNow(1000);
  const [view, setView] = useState<QuickActionView | null | undefined>(undefined);
  const [duration, setDuration] = useState<DurationChoice | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const next = await send({ type: 'quickAction.get' });
    setView(next);
    if (next) setDuration((d) => d ?? choiceFromMemory(null, next.presets));
    // Focus follows the window to the operator.
    window.focus();
  }, [send]);
  useEffect(() => {
    void load();
    // A new action while this window is still open (it is reused): show that one.
    const onChanged = (changes: Record<string, { newValue?: unknown }>) => {
      if ('quickAction' in changes && changes.quickAction?.newValue !== undefined) {
        setResult(null);
        setError(null);
        setDuration(null);
        void load();
      }
    };
    browser.storage.session.onChanged.addListener(onChanged);
    return () => browser.storage.session.onChanged.removeListener(onChanged);
  }, [load]);

  // Done: the window closes itself a moment later (a new action arriving cancels that).
  useEffect(() => {
    if (result === null) return;
    const timer = setTimeout(() => window.close(), CLOSE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [result]);

  const run = useCallback(
    async (seconds?: number) => {
      if (!view) return;
      setBusy(true);
      setError(null);
      try {
        const done = await send({
          type: 'quickAction.run',
          id: view.action.id,
          ...(seconds === undefined ? {} : { seconds }),
        });
        setResult(done.message);
      } catch (e) {
        setError(asAppError(e));
      } finally {
        setBusy(false);
      }
    },
    [send, view],
  );

  // Nothing to ask: once unlocked, an unlock request, a check or an unmute just runs.
  const action = view?.action;
  const needsChoice = action?.kind === 'mute' && action.seconds === null;
  const seconds = needsChoice && duration && view ? resolveDuration(duration, view.presets) : null;
  const chosen = action?.seconds ?? (seconds?.ok ? seconds.seconds : null);
  const needsConfirm =
    action?.kind === 'mute' &&
    (chosen === PERMANENT_SECONDS ||
      (view?.app?.environment === 'production' && view.confirmProduction));
  const automatic =
    view && !view.locked && !result && !busy && !error && !needsChoice && !needsConfirm;
  useEffect(() => {
    if (automatic) void run();
  }, [automatic, run]);

  if (view === undefined) return <main class="popup-main" aria-busy="true" />;
  if (view === null || !action) {
    return (
      <main class="popup-main">
        <p>{result ?? t('quick_nothing')}</p>
      </main>
    );
  }
  const cancel = () =>
    void send({ type: 'quickAction.cancel', id: action.id }).then(() => window.close());

  return (
    <main class="popup-main" onKeyDown={(e) => e.key === 'Escape' && cancel()}>
      <h1>{t('extName')}</h1>
      {action.userId && (
        <p class="quick-target">
          {t(
            action.kind === 'unmute'
              ? 'quick_targetUnmute'
              : action.kind === 'check'
                ? 'quick_targetCheck'
                : 'quick_targetMute',
            action.userId,
          )}
          {view.app && (
            <>
              {' '}
              · {view.app.label} ({view.app.sdkAppId}){' '}
              <EnvironmentBadge environment={view.app.environment} />
            </>
          )}
        </p>
      )}
      {view.locked ? (
        <UnlockForm
          idPrefix="quick-unlock"
          onUnlock={async (passphrase) => {
            await send({ type: 'vault.unlock', passphrase });
            await load();
          }}
        />
      ) : result ? (
        <p class="notice success" role="status">
          {result}
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen !== null) void run(needsChoice ? chosen : undefined);
          }}
        >
          {needsChoice && duration && (
            <DurationPicker
              idPrefix="quick"
              presets={view.presets}
              value={duration}
              onChange={setDuration}
              nowMs={now}
            />
          )}
          {needsConfirm && chosen !== null && (
            <p class="notice warning" role="alert">
              {chosen === PERMANENT_SECONDS
                ? t('confirm_permanent', [action.userId ?? '', view.app?.label ?? ''])
                : t('confirm_production', [action.userId ?? '', view.app?.label ?? ''])}
            </p>
          )}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy || chosen === null}>
              {needsConfirm ? t('confirm_yesMute') : t('mute_submit')}
            </button>
            <button type="button" class="secondary" onClick={cancel}>
              {t('ui_cancel')}
            </button>
          </div>
        </form>
      )}
      {error && <ErrorNotice error={error} />}
    </main>
  );
}
