import { useEffect, useLayoutEffect, useRef, useState, type MutableRef } from 'preact/hooks';
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
import { isTyping, presetForKey } from '../../components/form-keys';
import { Outcome } from '../../components/Outcome';
import { ReasonField, builtInReasons } from '../../components/ReasonField';
import { ResultMessage, type ActionResult } from '../../components/ResultMessage';
import { ScopePicker, type ScopeChoice } from '../../components/ScopePicker';
import { StateLine, type StateStatus } from '../../components/StateLine';
import { useNow } from '../../components/useNow';
import { t } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import type { ApplyOutcome, PageConfig, StateView } from '../../utils/messages/protocol';
import { decide, durationRefusal, type Question } from '../../utils/mute/decision';
import { RefusalNotice } from '../../components/RefusalNotice';
import { protectedBy } from '../../utils/policy/policy';
import { UNMUTE_SECONDS } from '../../utils/mute/durations';
import { isMuted } from '../../utils/mute/state';
import type { Box } from './placement';
import { placePopover } from './popover-place';
import { createVisibilityObserver } from './visibility';

/** The popover acts only after it has been fully visible this long: read before it acts. */
const ARM_MS = 500;
/** Where the browser cannot tell whether something covers the popover (no IntersectionObserver
 * v2, e.g. Firefox), it waits longer: a decoy has to stay unnoticed for a whole second. */
const ARM_MS_BLIND = 1000;

/**
 * Whether the popover's controls may act: fully visible (IntersectionObserver v2: nothing of
 * the page drawn over it, not faded or transformed) for ARM_MS without a break. The moment the
 * browser reports anything of the page over it (a decoy, even one that lets clicks through),
 * `onCovered` runs: the popover closes and says why rather than wait under it.
 */
function useArmed(
  rootRef: MutableRef<HTMLElement | null>,
  view: unknown,
  onCovered: () => void,
): boolean {
  const [armed, setArmed] = useState(false);
  const coveredRef = useRef(onCovered);
  useLayoutEffect(() => {
    coveredRef.current = onCovered;
  });
  useEffect(() => {
    const element = rootRef.current;
    if (!element) return;
    setArmed(false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const armIn = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => setArmed(true), ms);
    };
    let live = true;
    const observer = createVisibilityObserver((records) => {
      const last = records.at(-1) as unknown as
        { isVisible?: boolean; isIntersecting: boolean; target: Element } | undefined;
      // Late news about an element this popover no longer shows (locked view → form) is not.
      if (!live || !last || last.target !== element || !element.isConnected) return;
      if (last.isVisible) armIn(ARM_MS);
      else {
        clearTimeout(timer);
        setArmed(false);
        // On screen yet not fully visible: something of the page is drawn over it.
        if (last.isIntersecting) coveredRef.current();
      }
    });
    if (observer) observer.observe(element);
    else armIn(ARM_MS_BLIND);
    return () => {
      live = false;
      observer?.disconnect();
      clearTimeout(timer);
    };
  }, [rootRef, view]);
  return armed;
}

/**
 * Keeps the popover next to its button (placePopover) as the page scrolls or resizes and as its
 * own content grows; `onGone` runs when the button leaves the screen (its row scrolled away or
 * was removed): a popover floating away from its row would no longer say whom it acts on.
 * Placement is written straight to the elements, never to state: measuring can never make the
 * popover render again (a render loop would freeze the operator's page).
 */
function usePlacement(
  rootRef: MutableRef<HTMLElement | null>,
  bodyRef: MutableRef<HTMLElement | null>,
  arrowRef: MutableRef<HTMLElement | null>,
  anchor: () => Box | null,
  onGone: () => void,
): void {
  const latestRef = useRef({ anchor, onGone });
  const measure = () => {
    const element = rootRef.current;
    const box = latestRef.current.anchor();
    if (!element) return;
    if (!box || box.bottom < 0 || box.top > window.innerHeight) {
      latestRef.current.onGone();
      return;
    }
    // Its whole height, whatever it is limited to now: only the middle may scroll.
    const middle = bodyRef.current;
    const height = element.offsetHeight + (middle ? middle.scrollHeight - middle.clientHeight : 0);
    const place = placePopover(
      box,
      { width: element.offsetWidth, height },
      { width: window.innerWidth, height: window.innerHeight },
    );
    element.style.left = `${place.left}px`;
    element.style.top = `${place.top}px`;
    element.style.maxHeight = `${place.maxHeight}px`;
    const arrow = arrowRef.current;
    if (arrow) {
      arrow.dataset.side = place.side;
      arrow.style.left = `${place.arrowLeft}px`;
    }
  };
  // After every render (content may have grown: a result, a question, the custom field), in
  // the task that renders it: placed before it is painted or focused.
  useLayoutEffect(() => {
    latestRef.current = { anchor, onGone };
    measure();
  });
  useEffect(() => {
    let frame = 0;
    const later = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(measure);
    };
    window.addEventListener('scroll', later, { capture: true, passive: true });
    window.addEventListener('resize', later, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', later, { capture: true });
      window.removeEventListener('resize', later);
    };
    // measure reads everything it needs from refs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}

export interface PopoverActions {
  readState: (userId: string) => Promise<StateView>;
  /** The state its button shows, when read moments ago: drawn at once, then read again. */
  knownState: (userId: string) => StateView | null;
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
  /** Opens the action window, which asks the browser for access to the app's API host. */
  requestAccess: () => Promise<void>;
  onStateKnown: (userId: string, view: StateView) => void;
  /** Closes it, focus back on its button; `why` says what the page did, when it closed itself. */
  close: (why?: 'covered' | 'gone') => void;
}

/**
 * The page button's popover: the user (as text), the app it acts on with its PROD badge, the
 * current state, presets (keys 1–6), scopes and reason, Mute / Unmute (U), Undo. Enter confirms,
 * Esc closes. The same pieces as the popup.
 */
export function Popover(props: {
  userId: string;
  config: PageConfig;
  /** The background's fresh configuration, replacing `config` when it arrives. */
  fresh: Promise<PageConfig | null>;
  actions: PopoverActions;
  /** Its button's box now (viewport pixels), null once the button is gone. */
  anchor: () => Box | null;
}) {
  const { userId, actions } = props;
  const [config, setConfig] = useState(props.config);
  useEffect(() => {
    let current = true;
    void props.fresh.then((next) => {
      if (current && next) setConfig(next);
    });
    return () => {
      current = false;
    };
  }, [props.fresh]);
  const now = useNow(1000);
  const [scopes, setScopes] = useState<ScopeChoice>(config.defaultScopes);
  const [duration, setDuration] = useState<DurationChoice>(() =>
    choiceFromMemory(null, config.presets),
  );
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<StateStatus>(() => {
    const view = actions.knownState(userId);
    return view ? { kind: 'known', view } : { kind: 'idle' };
  });
  const [confirm, setConfirm] = useState<PendingQuestion | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [waitingUnlock, setWaitingUnlock] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const body = useRef<HTMLDivElement>(null);
  // Armed again when what it acts on changes: the locked view gives way to the form (another
  // element), or the fresh configuration names another app.
  const armed = useArmed(root, `${config.locked}:${config.app?.profileId}`, () =>
    actions.close('covered'),
  );
  const arrowRef = useRef<HTMLSpanElement>(null);
  usePlacement(root, body, arrowRef, props.anchor, () => actions.close('gone'));
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
  // Points at its button from the side it opened on (usePlacement sets both).
  const arrow = <span class="popover-arrow" ref={arrowRef} aria-hidden="true" />;
  const app = config.app;
  const appId = app?.profileId;
  const firstRead = useRef(true);
  const isAdmin = app !== null && app.adminAccount === userId;
  const resolved = resolveDuration(duration, config.presets);
  const known = status.kind === 'known' ? status.view : null;
  // The organisation's policy: an ID it protects, or a duration it does not allow (an unmute is
  // still offered).
  const limits = config.policy.rules;
  const protectedId = protectedBy(userId, limits.protectedIds) !== null;
  const durationRefused = resolved.ok ? durationRefusal(resolved.seconds, limits) : null;

  // Focus lands on Mute: Enter confirms, 1–6 change the duration first, Esc closes.
  useEffect(() => {
    // Mute when it can act; else (a protected ID, a refused duration) the first enabled control,
    // so the keyboard stays in the popover (Esc closes it).
    const form = root.current;
    (
      form?.querySelector<HTMLElement>('button[type="submit"]:enabled, button.primary:enabled') ??
      form?.querySelector<HTMLElement>('button:enabled, input:enabled')
    )?.focus();
  }, [config.locked]);

  useEffect(() => {
    if (config.locked || !appId || isAdmin) return;
    let cancelled = false;
    // The button's state stays until the fresh one replaces it (no "Checking…" flash); after
    // a change of app, what was shown was about the other app.
    const keep = firstRead.current;
    firstRead.current = false;
    setStatus((shown) => (keep && shown.kind === 'known' ? shown : { kind: 'loading' }));
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
  }, [actions, userId, appId, isAdmin, config.locked]);

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
    if (event.key === 'Enter' && target.tagName === 'INPUT') {
      // Enter confirms from any field, a checkbox or a preset included (not from the result
      // line, where it would repeat the action just done).
      event.preventDefault();
      form.current?.requestSubmit();
      return;
    }
    if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const preset = presetForKey(event, config.presets);
    if (preset) {
      event.preventDefault();
      setDuration({ kind: 'preset', id: preset.id });
    } else if (event.key.toLowerCase() === 'u') {
      event.preventDefault();
      whenArmed(() => request(UNMUTE_SECONDS));
    }
  }

  // What Enter or a click before arming says (both views).
  const notArmedLine = (
    <div aria-live="polite">
      {notReady && !armed && <p class="notice info">{t('page_notArmed')}</p>}
    </div>
  );

  const head = (
    <div class="popover-head">
      <div class="popover-title">
        <code class="popover-user">{userId}</code>
        <button
          type="button"
          class="secondary small"
          aria-label={t('ui_close')}
          onClick={() => actions.close()}
        >
          ✕
        </button>
      </div>
      {config.locked ? null : app ? (
        <span class="popover-app">
          <span class="popover-app-name">{t('app_withId', [app.label, String(app.sdkAppId)])}</span>{' '}
          <EnvironmentBadge environment={app.environment} />
        </span>
      ) : (
        <span class="error-text">{t('page_noApp')}</span>
      )}
    </div>
  );

  if (config.locked) {
    return (
      <div
        class="popover"
        role="dialog"
        ref={root}
        aria-label={t('page_popoverLabel', userId)}
        onKeyDown={onKeyDown}
      >
        {arrow}
        {head}
        <div class="popover-body" ref={body}>
          <p>{waitingUnlock ? t('page_waitingUnlock') : t('page_locked')}</p>
        </div>
        <div class="popover-foot">
          {error && (
            <Outcome of={error}>
              <ErrorNotice error={error} />
            </Outcome>
          )}
          {notArmedLine}
          <div class="actions">
            <button
              type="button"
              class="primary"
              disabled={waitingUnlock}
              aria-disabled={armed ? undefined : 'true'}
              onClick={() =>
                whenArmed(() => {
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
                })
              }
            >
              {t('page_unlock')}
            </button>
            <button type="button" class="secondary" onClick={() => actions.close()}>
              {t('ui_close')}
            </button>
          </div>
        </div>
      </div>
    );
  }

  return (
    // The dialog holds the form (a form element cannot take the dialog role).
    <div
      ref={root}
      class="popover"
      role="dialog"
      aria-label={t('page_popoverLabel', userId)}
      onKeyDown={onKeyDown}
    >
      <form
        ref={form}
        class="popover-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (resolved.ok) whenArmed(() => request(resolved.seconds));
        }}
      >
        {arrow}
        {head}
        {/* Only the middle scrolls: who and where stay above it, the action and its result below. */}
        <div class="popover-body" ref={body}>
          {isAdmin ? (
            <p class="field-error">{t('mute_refuseAdmin')}</p>
          ) : (
            <>
              {protectedId && (
                <RefusalNotice
                  reason="protected-id"
                  longestMuteSeconds={limits.longestMuteSeconds}
                />
              )}
              <StateLine status={status} nowMs={now} />
            </>
          )}
          <ScopePicker idPrefix="page" value={scopes} onChange={setScopes} />
          <DurationPicker
            idPrefix="page"
            presets={config.presets}
            value={duration}
            onChange={setDuration}
            nowMs={now}
          />
          {durationRefused && (
            <RefusalNotice
              reason={durationRefused}
              longestMuteSeconds={limits.longestMuteSeconds}
            />
          )}
          <ReasonField
            idPrefix="page"
            presets={config.reasons ?? builtInReasons()}
            value={reason}
            onChange={setReason}
          />
        </div>
        <div class="popover-foot">
          {confirm !== null && (
            <ConfirmBox
              message={confirm.message}
              confirmLabel={confirm.confirmLabel}
              onConfirm={() => whenArmed(() => void run(confirm.seconds, confirm.questions))}
              onCancel={backOut}
            />
          )}
          {(result || error) && (
            <Outcome of={error ?? result}>
              {result && (
                <ResultMessage
                  result={result}
                  nowMs={now}
                  onUndo={(id) => whenArmed(() => void undo(id))}
                />
              )}
              {error && (
                <ErrorNotice
                  error={error}
                  onOpenAccessWindow={() =>
                    whenArmed(
                      () =>
                        void actions.requestAccess().catch((e: unknown) => setError(asAppError(e))),
                    )
                  }
                />
              )}
            </Outcome>
          )}
          {notArmedLine}
          <div class="actions">
            <button
              type="submit"
              class="primary"
              // Busy is not disabled: a disabled button drops focus to the page mid-action.
              disabled={!app || isAdmin || protectedId || durationRefused !== null || !resolved.ok}
              aria-disabled={armed && !busy ? undefined : 'true'}
            >
              {t('mute_submitFor', userId)}
            </button>
            {known && isMuted(known.state, now) && (
              <button
                type="button"
                class="secondary"
                aria-disabled={busy ? 'true' : undefined}
                onClick={() => whenArmed(() => request(UNMUTE_SECONDS))}
              >
                {t('page_unmuteKey')}
              </button>
            )}
          </div>
        </div>
      </form>
    </div>
  );
}

function isLocked(error: AppError): boolean {
  return error.kind === 'vault' && error.problem === 'locked';
}
