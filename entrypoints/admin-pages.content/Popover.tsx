import { useEffect, useRef, useState, type MutableRef } from 'preact/hooks';
import { ConfirmBox } from '../../components/ConfirmBox';
import {
  pendingFromError,
  pendingQuestion,
  type PendingQuestion,
} from '../../components/decision-question';
import {
  DurationPicker,
  choiceFromMemory,
  resolveDuration,
  type DurationChoice,
} from '../../components/DurationPicker';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ReasonField, builtInReasons } from '../../components/ReasonField';
import { ResultMessage, type ActionResult } from '../../components/ResultMessage';
import { ScopePicker, type ScopeChoice } from '../../components/ScopePicker';
import { StateLine, type StateStatus } from '../../components/StateLine';
import { useNow } from '../../components/useNow';
import { t } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import type { ApplyOutcome, PageConfig, StateView } from '../../utils/messages/protocol';
import { decide, type Question } from '../../utils/mute/decision';
import { UNMUTE_SECONDS } from '../../utils/mute/durations';
import { isMuted } from '../../utils/mute/state';
import { createVisibilityObserver } from './visibility';

/** The popover acts only after it has been fully visible this long: read before it acts. */
const ARM_MS = 500;
/** Where the browser cannot tell whether something covers the popover (no IntersectionObserver
 * v2, e.g. Firefox), it waits longer: a decoy has to stay unnoticed for a whole second. */
const ARM_MS_BLIND = 1000;

/**
 * Whether the popover's controls may act: fully visible (IntersectionObserver v2: nothing of
 * the page drawn over it, not faded or transformed) for ARM_MS without a break. A page that
 * lays a decoy over it, even one that lets clicks through, disarms it until the decoy goes.
 */
function useArmed(root: MutableRef<HTMLElement | null>, view: unknown): boolean {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    const element = root.current;
    if (!element) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const armIn = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => setArmed(true), ms);
    };
    const observer = createVisibilityObserver((records) => {
      const last = records.at(-1) as unknown as { isVisible?: boolean } | undefined;
      if (last?.isVisible) armIn(ARM_MS);
      else {
        clearTimeout(timer);
        setArmed(false);
      }
    });
    if (observer) observer.observe(element);
    else armIn(ARM_MS_BLIND);
    return () => {
      observer?.disconnect();
      clearTimeout(timer);
    };
  }, [root, view]);
  return armed;
}

export interface PopoverActions {
  readState: (userId: string) => Promise<StateView>;
  apply: (
    userId: string,
    scopes: ScopeChoice,
    seconds: number,
    reason: string,
    confirmed: readonly Question[],
  ) => Promise<ApplyOutcome>;
  undo: (undoId: string) => Promise<ApplyOutcome>;
  /** Opens the unlock window and resolves with the new configuration once unlocked. */
  unlock: () => Promise<PageConfig>;
  onStateKnown: (userId: string, view: StateView) => void;
  close: () => void;
}

/**
 * The page button's popover: the user (as text), the app it acts on with its PROD badge, the
 * current state, presets (keys 1–6), scopes and reason, Mute / Unmute (U), Undo. Enter confirms,
 * Esc closes. The same pieces as the popup.
 */
export function Popover(props: {
  userId: string;
  config: PageConfig;
  actions: PopoverActions;
  at: { left: number; top: number };
}) {
  const { userId, actions } = props;
  const [config, setConfig] = useState(props.config);
  const now = useNow(1000);
  const [scopes, setScopes] = useState<ScopeChoice>(config.defaultScopes);
  const [duration, setDuration] = useState<DurationChoice>(() =>
    choiceFromMemory(null, config.presets),
  );
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<StateStatus>({ kind: 'idle' });
  const [confirm, setConfirm] = useState<PendingQuestion | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [waitingUnlock, setWaitingUnlock] = useState(false);
  const root = useRef<HTMLFormElement>(null);
  // Re-armed when the locked view gives way to the form (another element).
  const armed = useArmed(root, config.locked);
  const [notReady, setNotReady] = useState(false);
  /** Every control that acts goes through this: nothing acts before the popover is armed. */
  const whenArmed = (act: () => void) => {
    if (!armed) {
      setNotReady(true);
      return;
    }
    setNotReady(false);
    act();
  };
  const place = {
    left: `${props.at.left}px`,
    top: `${props.at.top}px`,
    maxHeight: `calc(100vh - ${props.at.top + 8}px)`,
  };

  const app = config.app;
  const isAdmin = app !== null && app.adminAccount === userId;
  const resolved = resolveDuration(duration, config.presets);
  const known = status.kind === 'known' ? status.view : null;

  // Focus lands on Mute: Enter confirms, 1–6 change the duration first, Esc closes.
  useEffect(() => {
    root.current?.querySelector<HTMLElement>('button[type="submit"], button.primary')?.focus();
  }, [config.locked]);

  useEffect(() => {
    if (config.locked || !app || isAdmin) return;
    let cancelled = false;
    setStatus({ kind: 'loading' });
    actions.readState(userId).then(
      (view) => {
        if (cancelled) return;
        setStatus({ kind: 'known', view });
        actions.onStateKnown(userId, view);
      },
      (e: unknown) => {
        if (cancelled) return;
        const appError = asAppError(e);
        if (isLocked(appError)) setConfig((c) => ({ ...c, locked: true }));
        else setStatus({ kind: 'error', error: appError });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [actions, userId, app, isAdmin, config.locked]);

  function request(seconds: number) {
    if (busy || !app) return;
    // The one decision, from the state shown (the background decides again from a fresh read).
    const decision = decide({
      userId,
      request: { action: seconds === UNMUTE_SECONDS ? 'unmute' : 'mute', scopes, seconds },
      state: known?.state ?? null,
      app,
      rules: config,
      now: Date.now(),
    });
    if (decision.kind === 'refuse') return;
    if (decision.kind === 'ask') setConfirm(pendingQuestion(decision, seconds, userId, app));
    else void run(seconds, []);
  }

  async function run(seconds: number, confirmed: readonly Question[]) {
    setConfirm(null);
    setBusy(true);
    setError(null);
    try {
      const outcome = await actions.apply(userId, scopes, seconds, reason.trim(), confirmed);
      const view = { state: outcome.next, exists: true, readAt: Date.now() };
      setStatus({ kind: 'known', view });
      actions.onStateKnown(userId, view);
      setResult({ kind: 'done', userId, seconds, scopes, outcome });
    } catch (e) {
      const appError = asAppError(e);
      const asked = app && pendingFromError(appError, seconds, userId, app);
      if (asked) setConfirm(asked);
      else if (isLocked(appError)) setConfig((c) => ({ ...c, locked: true }));
      else setError(appError);
    } finally {
      setBusy(false);
    }
  }

  async function undo(undoId: string) {
    try {
      const outcome = await actions.undo(undoId);
      const view = { state: outcome.next, exists: true, readAt: Date.now() };
      setStatus({ kind: 'known', view });
      actions.onStateKnown(userId, view);
      setResult({ kind: 'undone', userId, outcome });
    } catch (e) {
      setError(asAppError(e));
    }
  }

  /** The operator said no to the question: back to the form, focus on its Mute (Enter asks again). */
  function backOut() {
    setConfirm(null);
    setTimeout(() => root.current?.querySelector<HTMLElement>('button[type="submit"]')?.focus(), 0);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      if (confirm !== null) backOut();
      else actions.close();
      return;
    }
    const target = event.target as HTMLElement;
    if (event.key === 'Enter' && target.tagName !== 'BUTTON' && target.tagName !== 'TEXTAREA') {
      // Enter confirms from anywhere in the form, a checkbox or a preset included.
      event.preventDefault();
      root.current?.requestSubmit();
      return;
    }
    const typing = target.tagName === 'INPUT' && (target as HTMLInputElement).type === 'text';
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const preset = /^[1-6]$/.test(event.key) ? config.presets[Number(event.key) - 1] : undefined;
    if (preset) {
      event.preventDefault();
      setDuration({ kind: 'preset', id: preset.id });
    } else if (event.key.toLowerCase() === 'u') {
      event.preventDefault();
      whenArmed(() => request(UNMUTE_SECONDS));
    }
  }

  if (config.locked) {
    return (
      <div
        class="popover"
        style={place}
        role="dialog"
        ref={root as never}
        aria-label={t('page_popoverLabel', userId)}
        onKeyDown={onKeyDown}
      >
        <p class="popover-user">
          <code>{userId}</code>
        </p>
        <p>{waitingUnlock ? t('page_waitingUnlock') : t('page_locked')}</p>
        <div class="actions">
          <button
            type="button"
            class="primary"
            disabled={waitingUnlock}
            onClick={() => {
              setWaitingUnlock(true);
              actions.unlock().then(
                (next) => {
                  setWaitingUnlock(false);
                  setConfig(next);
                },
                (e: unknown) => {
                  setWaitingUnlock(false);
                  setError(asAppError(e));
                },
              );
            }}
          >
            {t('page_unlock')}
          </button>
          <button type="button" class="secondary" onClick={actions.close}>
            {t('ui_close')}
          </button>
        </div>
        {error && <ErrorNotice error={error} />}
      </div>
    );
  }

  return (
    <form
      ref={root}
      class="popover"
      style={place}
      role="dialog"
      aria-label={t('page_popoverLabel', userId)}
      noValidate
      onKeyDown={onKeyDown}
      onSubmit={(e) => {
        e.preventDefault();
        if (resolved.ok) whenArmed(() => request(resolved.seconds));
      }}
    >
      <div class="popover-head">
        <code class="popover-user">{userId}</code>
        {app ? (
          <span class="popover-app">
            {app.label} ({app.sdkAppId}) <EnvironmentBadge environment={app.environment} />
          </span>
        ) : (
          <span class="error-text">{t('page_noApp')}</span>
        )}
        <button
          type="button"
          class="secondary small"
          aria-label={t('ui_close')}
          onClick={actions.close}
        >
          ✕
        </button>
      </div>
      {isAdmin ? (
        <p class="field-error">{t('mute_refuseAdmin')}</p>
      ) : (
        <StateLine status={status} nowMs={now} />
      )}
      <ScopePicker idPrefix="page" value={scopes} onChange={setScopes} />
      <DurationPicker
        idPrefix="page"
        presets={config.presets}
        value={duration}
        onChange={setDuration}
        nowMs={now}
      />
      <ReasonField
        idPrefix="page"
        presets={config.reasons ?? builtInReasons()}
        value={reason}
        onChange={setReason}
      />
      {confirm !== null && (
        <ConfirmBox
          message={confirm.message}
          confirmLabel={confirm.confirmLabel}
          onConfirm={() => whenArmed(() => void run(confirm.seconds, confirm.questions))}
          onCancel={backOut}
        />
      )}
      <div class="actions">
        <button
          type="submit"
          class="primary"
          disabled={busy || !app || isAdmin || !resolved.ok}
          aria-disabled={armed ? undefined : 'true'}
        >
          {t('mute_submitFor', userId)}
        </button>
        {known && isMuted(known.state, now) && (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => whenArmed(() => request(UNMUTE_SECONDS))}
          >
            {t('page_unmuteKey')}
          </button>
        )}
      </div>
      <div aria-live="polite">
        {notReady && !armed && <p class="notice info">{t('page_notArmed')}</p>}
        {result && (
          <ResultMessage
            result={result}
            nowMs={now}
            onUndo={(id) => whenArmed(() => void undo(id))}
          />
        )}
        {error && <ErrorNotice error={error} />}
      </div>
    </form>
  );
}

function isLocked(error: AppError): boolean {
  return error.kind === 'vault' && error.problem === 'locked';
}
