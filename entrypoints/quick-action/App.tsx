import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { browser } from '#imports';
import { useSend } from '../../components/background';
import {
  DurationPicker,
  choiceForSeconds,
  resolveDuration,
  type DurationChoice,
} from '../../components/DurationPicker';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { pendingFromError, pendingQuestion } from '../../components/decision-question';
import { ErrorNotice } from '../../components/ErrorNotice';
import { presetForKey } from '../../components/form-keys';
import { Outcome } from '../../components/Outcome';
import { ReasonField, builtInReasons } from '../../components/ReasonField';
import { ScopePicker, type ScopeChoice } from '../../components/ScopePicker';
import { UnlockForm } from '../../components/UnlockForm';
import { useNow } from '../../components/useNow';
import { noHostAccess } from '../../utils/chat-api/errors';
import { t } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import { decide, refusalWords, type Question } from '../../utils/mute/decision';
import { UNMUTE_SECONDS } from '../../utils/mute/durations';
import type { QuickActionView } from '../../utils/mute/quick-action';
import { BOTH_SCOPES } from '../../utils/mute/scopes';
import { describeState } from '../../utils/mute/describe-state';
import { STORED } from '../../utils/storage/keys';

const CLOSE_AFTER_MS = 2500;

/** The ID as it will be sent, its spaces made visible (a page can pad a selection with them). */
function visibleId(userId: string): string {
  return userId.replaceAll(' ', '␣');
}

/**
 * The small window an action from the menu, a shortcut or a page button opens when it needs
 * the operator: to unlock, to see exactly which ID (spaces visible), app, state and duration it
 * acts on, to choose a duration, and to answer the one decision's question. Enter confirms;
 * it then carries on with the same target and closes itself.
 */
export function App() {
  const send = useSend();
  const now = useNow(1000);
  const [view, setView] = useState<QuickActionView | null | undefined>(undefined);
  const [duration, setDuration] = useState<DurationChoice | null>(null);
  const [scopes, setScopes] = useState<ScopeChoice | null>(null);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  /** The background's question, when the state changed after the window decided. */
  const [asked, setAsked] = useState<Question[] | null>(null);

  const load = useCallback(async () => {
    const next = await send({ type: 'quickAction.get' });
    setView(next);
    // The action's duration chosen among the presets; "Custom…" from the menu opens on
    // Custom, the cursor in its field. A mute ticks the options' scopes, an unmute both.
    if (next) {
      const { kind, seconds } = next.action;
      setDuration(
        (d) =>
          d ??
          (seconds === null
            ? { kind: 'custom', text: '' }
            : choiceForSeconds(seconds, next.presets)),
      );
      setScopes((c) => c ?? (kind === 'unmute' ? BOTH_SCOPES : next.defaultScopes));
    }
    // Focus follows the window to the operator.
    window.focus();
  }, [send]);
  useEffect(() => {
    void load();
    // A new action while this window is still open (it is reused): show that one.
    const onChanged = (changes: Record<string, { newValue?: unknown }>) => {
      if (changes[STORED.quickAction.key]?.newValue !== undefined) {
        setResult(null);
        setError(null);
        setAsked(null);
        setDuration(null);
        setScopes(null);
        setReason('');
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
    async (confirmed: readonly Question[], shown?: { seconds: number; scopes: ScopeChoice }) => {
      if (!view) return;
      setBusy(true);
      setError(null);
      try {
        const done = await send({
          type: 'quickAction.run',
          id: view.action.id,
          confirmed: [...confirmed],
          ...(shown && { ...shown, reason: reason.trim() }),
        });
        setResult(done.message);
      } catch (e) {
        const appError = asAppError(e);
        // The state changed since the window decided: ask the background's question.
        if (appError.kind === 'needs-confirmation') setAsked(appError.questions);
        else setError(appError);
      } finally {
        setBusy(false);
      }
    },
    [send, view, reason],
  );

  const action = view?.action;
  /** A mute or an unmute shows its scopes and reason; a mute its duration too. */
  const changes = action?.kind === 'mute' || action?.kind === 'unmute';
  const typingDuration = action?.kind === 'mute' && duration?.kind === 'custom';
  const resolved =
    action?.kind === 'mute' && duration && view ? resolveDuration(duration, view.presets) : null;
  const chosen =
    action?.kind === 'unmute' || action?.kind === 'undo'
      ? UNMUTE_SECONDS
      : resolved?.ok
        ? resolved.seconds
        : null;
  const scopesChosen = !changes || (scopes !== null && (scopes.c2c || scopes.group));
  // The one decision, from the state read when the window opened.
  const decision =
    view?.app &&
    action?.userId &&
    chosen !== null &&
    (action.kind === 'mute' || action.kind === 'unmute')
      ? decide({
          userId: action.userId,
          request: {
            action: action.kind === 'unmute' ? 'unmute' : 'mute',
            scopes: scopes ?? BOTH_SCOPES,
            seconds: chosen,
          },
          state: view.state,
          app: view.app,
          rules: view,
          now,
        })
      : null;
  const question =
    view?.app && action?.userId && chosen !== null
      ? decision?.kind === 'ask'
        ? pendingQuestion(decision, chosen, action.userId, view.app)
        : asked
          ? pendingFromError(
              { kind: 'needs-confirmation', questions: asked, shortened: [] },
              chosen,
              action.userId,
              view.app,
            )
          : null
      : null;
  // Only an unlock or access request and a check run by themselves once unlocked and able to
  // reach the app: anything that changes a mute waits for the operator's Enter on the target.
  const automatic =
    view &&
    !view.locked &&
    !view.access &&
    !result &&
    !busy &&
    !error &&
    (action?.kind === 'unlock' || action?.kind === 'access' || action?.kind === 'check');
  useEffect(() => {
    if (automatic) void run([]);
  }, [automatic, run]);
  const submit = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Focus on the primary action, unless a duration is to be typed (its field takes focus).
    if (view && !view.locked && !typingDuration) submit.current?.focus();
    // Only when a new action shows: choosing in the window leaves focus where the operator is.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view]);
  const confirm = () => {
    if (chosen === null || !scopesChosen || decision?.kind === 'refuse' || busy) return;
    void run(
      question?.questions ?? [],
      changes && scopes ? { seconds: chosen, scopes } : undefined,
    );
  };
  // Digits 1–6 pick a preset, as in the popup and the popover.
  const presets = view?.presets;
  const picksDuration = action?.kind === 'mute';
  useEffect(() => {
    if (!presets || !picksDuration) return;
    const onKey = (event: KeyboardEvent) => {
      const preset = presetForKey(event, presets);
      if (!preset) return;
      event.preventDefault();
      setDuration({ kind: 'preset', id: preset.id });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [presets, picksDuration]);
  const actionId = action?.id;
  const cancel = useCallback(() => {
    if (actionId)
      void send({ type: 'quickAction.cancel', id: actionId }).then(() => window.close());
  }, [actionId, send]);
  // Esc cancels wherever focus is in the window (or when nothing has it yet); a layout effect,
  // so the key works from the first frame that shows the action.
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      cancel();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [cancel]);

  if (view === undefined) return <main class="popup-main" aria-busy="true" />;
  if (view === null || !action) {
    return (
      <main class="popup-main">
        <p>{result ?? t('quick_nothing')}</p>
      </main>
    );
  }
  return (
    <main class="popup-main">
      <h1>{t('extName')}</h1>
      {action.userId && (
        <p class="quick-target">
          {t(
            action.kind === 'unmute'
              ? 'quick_targetUnmute'
              : action.kind === 'check'
                ? 'quick_targetCheck'
                : action.kind === 'undo'
                  ? 'result_undoLabel'
                  : 'quick_targetMute',
            visibleId(action.userId),
          )}
          {view.app && (
            <>
              {t('join_aside', ['', t('app_withId', [view.app.label, String(view.app.sdkAppId)])])}{' '}
              <EnvironmentBadge environment={view.app.environment} />
            </>
          )}
        </p>
      )}
      {view.state && action.userId && !view.locked && (
        <p class="quick-state" role="status">
          {describeState(view.state, now)}
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
      ) : view.access ? (
        <>
          <ErrorNotice
            error={{ kind: 'chat-api', error: noHostAccess(view.access) }}
            onAccessGranted={() => void load()}
          />
          <div class="actions">
            <button type="button" class="secondary" onClick={cancel}>
              {t('ui_cancel')}
            </button>
          </div>
        </>
      ) : result ? (
        <Outcome of={result}>
          <p class="notice success" role="status">
            {result}
          </p>
        </Outcome>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            confirm();
          }}
          onKeyDown={(e) => {
            // Enter on a checkbox or a preset confirms, as in a text field.
            const target = e.target as HTMLInputElement;
            if (e.key === 'Enter' && (target.type === 'checkbox' || target.type === 'radio')) {
              e.preventDefault();
              e.currentTarget.requestSubmit();
            }
          }}
        >
          {changes && scopes && (
            <ScopePicker idPrefix="quick" value={scopes} onChange={setScopes} />
          )}
          {action.kind === 'mute' && duration && (
            <DurationPicker
              idPrefix="quick"
              presets={view.presets}
              value={duration}
              onChange={setDuration}
              nowMs={now}
            />
          )}
          {changes && (
            <ReasonField
              idPrefix="quick"
              presets={view.reasons ?? builtInReasons()}
              value={reason}
              onChange={setReason}
            />
          )}
          {question && (
            <p class="notice warning" role="alert">
              {question.message}
            </p>
          )}
          {decision?.kind === 'refuse' && (
            <p class="field-error" role="alert">
              {refusalWords(decision.reason, view.policy.rules.longestMuteSeconds)}
            </p>
          )}
          <div class="actions">
            <button
              type="submit"
              class="primary"
              ref={submit}
              disabled={chosen === null || !scopesChosen || decision?.kind === 'refuse'}
              aria-disabled={busy ? 'true' : undefined}
            >
              {question
                ? question.confirmLabel
                : action.kind === 'unmute'
                  ? t('mute_unmute')
                  : action.kind === 'undo'
                    ? t('result_undo')
                    : t('mute_submit')}
            </button>
            <button type="button" class="secondary" onClick={cancel}>
              {t('ui_cancel')}
            </button>
          </div>
        </form>
      )}
      {error && (
        <Outcome of={error}>
          <ErrorNotice
            error={error}
            onAccessGranted={() => {
              setError(null);
              void load();
            }}
          />
        </Outcome>
      )}
    </main>
  );
}
