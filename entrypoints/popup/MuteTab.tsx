import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from '#imports';
import { useSend } from '../../components/background';
import { ConfirmBox } from '../../components/ConfirmBox';
import {
  pendingFromError,
  pendingQuestion,
  type PendingQuestion,
} from '../../components/decision-question';
import {
  DurationPicker,
  choiceFromMemory,
  choiceToMemory,
  resolveDuration,
  type DurationChoice,
} from '../../components/DurationPicker';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Outcome } from '../../components/Outcome';
import { presetForKey } from '../../components/form-keys';
import { ReasonField } from '../../components/ReasonField';
import { ResultMessage, type ActionResult } from '../../components/ResultMessage';
import { ScopePicker, type ScopeChoice } from '../../components/ScopePicker';
import { StateLine, type StateStatus } from '../../components/StateLine';
import { useNow } from '../../components/useNow';
import { keyPart, t, type MessageKey } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import { ProgressSchema, type Progress } from '../../utils/messages/protocol';
import { decide } from '../../utils/mute/decision';
import { protectedBy } from '../../utils/policy/policy';
import { RefusalNotice } from '../../components/RefusalNotice';
import { UNMUTE_SECONDS } from '../../utils/mute/durations';
import { isMuted } from '../../utils/mute/state';
import { parseUserId } from '../../utils/mute/user-id';
import type { EffectiveSettings } from '../../utils/settings';
import type { ProfileMeta } from '../../utils/vault/profile';
import { readSelection } from '../../utils/tab-selection';
import { STORED } from '../../utils/storage/keys';

/**
 * One user, one click: the ID (prefilled from the page's selection), its current state, scopes,
 * duration and reason, then Mute. Risky mutes ask first; every result offers Undo.
 */
export function MuteTab(props: {
  profile: ProfileMeta;
  settings: EffectiveSettings;
  reasons: readonly string[];
  onActiveChange: (delta: number) => void;
}) {
  const { profile, settings } = props;
  const send = useSend();
  const now = useNow(1000);
  const [rawId, setRawId] = useState('');
  const [touched, setTouched] = useState(false);
  const [scopes, setScopes] = useState<ScopeChoice>(settings.defaultScopes);
  const [duration, setDuration] = useState<DurationChoice>(() =>
    choiceFromMemory(settings.lastDuration, settings.presets),
  );
  const [reason, setReason] = useState('');
  const [stateStatus, setStateStatus] = useState<StateStatus>({ kind: 'idle' });
  const [confirm, setConfirm] = useState<PendingQuestion | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  /** The ID the result, error and reason shown belong to (the last one acted on). */
  const [actedOn, setActedOn] = useState<string | null>(null);
  const idInput = useRef<HTMLInputElement>(null);

  const parsed = parseUserId(rawId);
  const userId = parsed.ok ? parsed.userId : null;
  const resolved = resolveDuration(duration, settings.presets);
  const known = stateStatus.kind === 'known' ? stateStatus.view : null;
  const isAdmin = userId !== null && userId === profile.adminAccount;
  const scopesChosen = scopes.c2c || scopes.group;

  // User Timing for the benchmarks: the form is on screen and takes input.
  useEffect(() => {
    performance.mark('mute-console:popup-interactive');
  }, []);

  // Prefill from the text selected on the current tab.
  useEffect(() => {
    void readActiveTabSelection().then((text) => {
      const candidate = parseUserId(text);
      if (candidate.ok) setRawId((current) => (current === '' ? candidate.userId : current));
    });
  }, []);

  // Read the state as soon as a valid ID is there (debounced while typing).
  useEffect(() => {
    if (userId === null || isAdmin) {
      setStateStatus({ kind: 'idle' });
      return;
    }
    let cancelled = false;
    setStateStatus({ kind: 'loading' });
    const timer = setTimeout(() => {
      send({ type: 'mute.state', profileId: profile.id, userId }).then(
        (view) => !cancelled && setStateStatus({ kind: 'known', view }),
        (e: unknown) => !cancelled && setStateStatus({ kind: 'error', error: asAppError(e) }),
      );
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [send, profile.id, userId, isAdmin]);

  // Digits pick presets when the focus is not in a text field.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const preset = presetForKey(event, settings.presets);
      if (preset) setDuration({ kind: 'preset', id: preset.id });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [settings.presets]);

  /** The one decision for this ID, duration and scopes, from the state shown. */
  const decisionFor = (target: string, seconds: number, at: number) =>
    decide({
      userId: target,
      request: { action: seconds === UNMUTE_SECONDS ? 'unmute' : 'mute', scopes, seconds },
      state: known?.state ?? null,
      app: profile,
      rules: settings,
      now: at,
    });
  // Never before the state shown was read: a clock up to a second old would take the mute just
  // applied for one longer than a new one, and warn that this one shortens it.
  const decisionNow = Math.max(now, known?.readAt ?? 0);
  const preview =
    userId !== null && resolved.ok ? decisionFor(userId, resolved.seconds, decisionNow) : null;
  const shortens = preview?.kind === 'ask' && preview.questions.includes('shortens');
  // Refused whatever the operator answers: the ID (admin account, protected by the
  // organisation) or the duration (longer than the organisation allows).
  const refused = preview?.kind === 'refuse' ? preview.reason : null;
  // The ID's own refusals show whatever the scopes and duration (which the decision checks first).
  const idRefused = isAdmin
    ? 'admin-account'
    : userId !== null && protectedBy(userId, settings.policy.rules.protectedIds) !== null
      ? 'protected-id'
      : null;
  const durationRefused =
    refused === 'longer-than-allowed' || refused === 'permanent-not-allowed' ? refused : null;

  function request(seconds: number) {
    setTouched(true);
    setError(null);
    if (userId === null || !scopesChosen || busy) {
      idInput.current?.focus();
      return;
    }
    const decision = decisionFor(userId, seconds, decisionNow);
    if (decision.kind === 'refuse') return;
    if (decision.kind === 'ask') {
      // A question starts the next action: the last one's result goes (its Undo stays in Active).
      setResult(null);
      setConfirm(pendingQuestion(decision, seconds, userId, profile));
    } else void run(userId, seconds, []);
  }

  async function run(target: string, seconds: number, confirmed: PendingQuestion['questions']) {
    setConfirm(null);
    setBusy(true);
    setResult(null);
    setActedOn(target);
    const progressId = crypto.randomUUID();
    const key = `${STORED.progress.key}${progressId}`;
    const onProgress = (changes: Record<string, { newValue?: unknown }>) => {
      const parsedProgress = ProgressSchema.safeParse(changes[key]?.newValue);
      if (parsedProgress.success) setProgress(parsedProgress.data);
    };
    browser.storage.session.onChanged.addListener(onProgress);
    try {
      const wasMuted = known !== null && isMuted(known.state, Date.now());
      const outcome = await send({
        type: 'mute.apply',
        profileId: profile.id,
        userId: target,
        scopes,
        seconds,
        reason: reason.trim(),
        source: 'popup',
        confirmed,
        progressId,
      });
      setStateStatus({
        kind: 'known',
        view: { state: outcome.next, exists: true, readAt: Date.now() },
      });
      setResult({ kind: 'done', userId: target, seconds, scopes, outcome });
      const nowMuted = isMuted(outcome.next, Date.now());
      if (nowMuted !== wasMuted) props.onActiveChange(nowMuted ? 1 : -1);
      if (seconds !== UNMUTE_SECONDS) {
        void send({ type: 'settings.update', patch: { lastDuration: choiceToMemory(duration) } });
      }
    } catch (e) {
      const appError = asAppError(e);
      const asked = pendingFromError(appError, seconds, target, profile);
      if (asked) setConfirm(asked);
      else setError(appError);
    } finally {
      browser.storage.session.onChanged.removeListener(onProgress);
      setProgress(null);
      setBusy(false);
    }
  }

  async function undo(undoId: string) {
    setError(null);
    try {
      const outcome = await send({ type: 'mute.undo', undoId });
      setStateStatus({
        kind: 'known',
        view: { state: outcome.next, exists: true, readAt: Date.now() },
      });
      setResult({ kind: 'undone', userId: result?.kind === 'done' ? result.userId : '', outcome });
    } catch (e) {
      setError(asAppError(e));
    }
  }

  /**
   * Another ID is another user: the last one's reason, result (with its Undo, still in the
   * Active tab) and error go, so nothing of theirs is sent or read as this one's.
   */
  function changeId(text: string) {
    setRawId(text);
    const next = parseUserId(text);
    if (actedOn === null || (next.ok && next.userId === actedOn)) return;
    setReason('');
    setResult(null);
    setError(null);
    setConfirm(null);
    setActedOn(null);
  }

  const idProblem =
    !parsed.ok && (touched || rawId !== '')
      ? t(`userIdProblem_${keyPart(parsed.problem)}` as MessageKey)
      : null;

  return (
    <form
      class="mute-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (resolved.ok) request(resolved.seconds);
      }}
    >
      <div class="field">
        <label for="mute-user">{t('mute_userLabel')}</label>
        <input
          id="mute-user"
          ref={idInput}
          value={rawId}
          autoFocus
          autocomplete="off"
          spellcheck={false}
          placeholder="user_1234"
          aria-invalid={idProblem || idRefused ? 'true' : undefined}
          aria-describedby="mute-user-problem mute-state"
          onInput={(e) => changeId(e.currentTarget.value)}
          onBlur={() => rawId !== '' && setTouched(true)}
        />
        {idRefused ? (
          <RefusalNotice
            id="mute-user-problem"
            reason={idRefused}
            longestMuteSeconds={settings.policy.rules.longestMuteSeconds}
          />
        ) : (
          <p class="field-error" id="mute-user-problem">
            {idProblem}
          </p>
        )}
        <StateLine status={stateStatus} nowMs={now} id="mute-state" />
      </div>
      <ScopePicker idPrefix="mute" value={scopes} onChange={setScopes} />
      <DurationPicker
        idPrefix="mute"
        presets={settings.presets}
        value={duration}
        onChange={setDuration}
        nowMs={now}
      />
      {durationRefused && (
        <RefusalNotice
          alert
          reason={durationRefused}
          longestMuteSeconds={settings.policy.rules.longestMuteSeconds}
        />
      )}
      <ReasonField idPrefix="mute" presets={props.reasons} value={reason} onChange={setReason} />
      {/* While the question is asked, it says this (before → after) and its buttons are the actions. */}
      {shortens && !confirm && (
        <p class="notice warning" role="status">
          {t('mute_shortens')}
        </p>
      )}
      {confirm && userId && (
        <ConfirmBox
          message={confirm.message}
          confirmLabel={confirm.confirmLabel}
          onConfirm={() => void run(userId, confirm.seconds, confirm.questions)}
          onCancel={() => setConfirm(null)}
        />
      )}
      <div class="actions" hidden={confirm !== null}>
        <button
          type="submit"
          class="primary"
          disabled={
            busy || !resolved.ok || !scopesChosen || idRefused !== null || durationRefused !== null
          }
        >
          {busy ? t('mute_working') : userId ? t('mute_submitFor', userId) : t('mute_submit')}
        </button>
        {known && isMuted(known.state, now) && (
          <button
            type="button"
            class="secondary"
            disabled={busy || !scopesChosen}
            onClick={() => request(UNMUTE_SECONDS)}
          >
            {t('mute_unmute')}
          </button>
        )}
      </div>
      <div aria-live="polite" class="result-area">
        {progress && (
          <p class="notice info" role="status">
            {t('mute_retrying', [String(progress.attempt + 1), '3'])}
          </p>
        )}
        {(result || error) && (
          <Outcome of={error ?? result}>
            {result && <ResultMessage result={result} nowMs={now} onUndo={(id) => void undo(id)} />}
            {error && <ErrorNotice error={error} />}
          </Outcome>
        )}
      </div>
    </form>
  );
}

async function readActiveTabSelection(): Promise<string> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true }).catch(() => []);
  return tab?.id === undefined ? '' : readSelection(browser.scripting, tab.id);
}
