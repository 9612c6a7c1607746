import { useCallback, useEffect, useState } from 'preact/hooks';
import { durationText } from '../../utils/mute/duration-text';
import { useSend } from '../../components/background';
import { ConfirmBox } from '../../components/ConfirmBox';
import {
  DurationPicker,
  choiceFromMemory,
  resolveDuration,
  type DurationChoice,
} from '../../components/DurationPicker';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ReasonField } from '../../components/ReasonField';
import { ScopePicker, type ScopeChoice } from '../../components/ScopePicker';
import { useNow } from '../../components/useNow';
import { noHostAccess } from '../../utils/chat-api/errors';
import { keyPart, numberText, sentences, t, uiLocale, type MessageKey } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import { describeError } from '../../utils/messages/describe-error';
import { appWhere } from '../../components/decision-question';
import { decide } from '../../utils/mute/decision';
import { countItems, type BulkItem, type BulkJob } from '../../utils/mute/bulk';
import { PERMANENT_SECONDS, formatDateTime } from '../../utils/mute/durations';
import { describeState } from '../../utils/mute/describe-state';
import type { EffectiveSettings } from '../../utils/settings';
import type { ProfileMeta } from '../../utils/vault/profile';

const SHOWN_ROWS = 100;

/**
 * Paste IDs, check them (dry run), confirm, apply with progress; retry what failed. The job runs
 * in the background: closing the popup loses nothing, and reopening it shows where it is.
 */
export function BulkTab(props: {
  profile: ProfileMeta;
  profiles: readonly ProfileMeta[];
  settings: EffectiveSettings;
  reasons: readonly string[];
}) {
  const send = useSend();
  const now = useNow(1000);
  const [job, setJob] = useState<BulkJob | null | undefined>(undefined);
  const [text, setText] = useState('');
  const [action, setAction] = useState<'mute' | 'unmute'>('mute');
  const [scopes, setScopes] = useState<ScopeChoice>(props.settings.defaultScopes);
  const [duration, setDuration] = useState<DurationChoice>(() =>
    choiceFromMemory(props.settings.lastDuration, props.settings.presets),
  );
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [shorten, setShorten] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  // A poll that meets the worker stopping (Firefox ends an idle event page; the next message
  // starts a new one) fails once: the job shown stays, and the next poll asks the new worker.
  const poll = useCallback(
    () => send({ type: 'bulk.status' }).then(setJob, () => undefined),
    [send],
  );
  useEffect(() => {
    void poll();
  }, [poll]);
  const active = job && ['checking', 'running', 'paused'].includes(job.phase);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void poll(), 500);
    return () => clearInterval(timer);
  }, [active, poll]);

  async function call(work: () => Promise<BulkJob | null>) {
    setError(null);
    try {
      setJob(await work());
    } catch (e) {
      setError(asAppError(e));
    }
  }

  const resolved = resolveDuration(duration, props.settings.presets);

  if (job === undefined) return <p aria-busy="true" />;

  if (job === null) {
    const canCheck =
      text.trim() !== '' && (scopes.c2c || scopes.group) && (action === 'unmute' || resolved.ok);
    return (
      <form
        class="bulk-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!canCheck) return;
          void call(() =>
            send({
              type: 'bulk.start',
              profileId: props.profile.id,
              text,
              action,
              scopes,
              seconds: action === 'mute' && resolved.ok ? resolved.seconds : 0,
              reason: reason.trim(),
            }),
          );
        }}
      >
        <div class="field">
          <label for="bulk-ids">{t('bulk_idsLabel')}</label>
          <textarea
            id="bulk-ids"
            rows={3}
            value={text}
            spellcheck={false}
            onInput={(e) => setText(e.currentTarget.value)}
            placeholder={'user_0001\nuser_0002\n…'}
          />
          <p class="hint">{t('bulk_idsHint')}</p>
        </div>
        <div class="field-pair">
          <fieldset class="field choice-row">
            <legend>{t('bulk_action')}</legend>
            <label class="check">
              <input
                type="radio"
                name="bulk-action"
                checked={action === 'mute'}
                onChange={() => setAction('mute')}
              />
              {t('bulk_actionMute')}
            </label>
            <label class="check">
              <input
                type="radio"
                name="bulk-action"
                checked={action === 'unmute'}
                onChange={() => setAction('unmute')}
              />
              {t('bulk_actionUnmute')}
            </label>
          </fieldset>
          <ScopePicker idPrefix="bulk" value={scopes} onChange={setScopes} />
        </div>
        {action === 'mute' && (
          <DurationPicker
            idPrefix="bulk"
            presets={props.settings.presets}
            value={duration}
            onChange={setDuration}
            nowMs={now}
          />
        )}
        <ReasonField idPrefix="bulk" presets={props.reasons} value={reason} onChange={setReason} />
        {error && <ErrorNotice error={error} />}
        <button type="submit" class="primary" disabled={!canCheck}>
          {t('bulk_check')}
        </button>
      </form>
    );
  }

  const counts = countItems(job);
  const app = props.profiles.find((p) => p.id === job.profileId) ?? props.profile;
  const what =
    job.action === 'unmute'
      ? t('bulk_whatUnmute', numberText(counts.total))
      : job.seconds === PERMANENT_SECONDS
        ? t('bulk_whatMutePermanent', numberText(counts.total))
        : t('bulk_whatMute', [numberText(counts.total), durationText(job.seconds)]);
  const where = appWhere(app);
  const finished = counts.done + counts.failed + counts.skipped;
  // From the dry run, through the one decision: who is muted for longer than this already.
  const longer =
    job.phase === 'ready' && job.action === 'mute'
      ? job.items.filter((item) => {
          if (item.status !== 'checked') return false;
          const decision = decide({
            userId: item.userId,
            request: { action: 'mute', scopes: job.scopes, seconds: job.seconds },
            state: item.state,
            app,
            rules: props.settings,
            now,
          });
          return decision.kind === 'ask' && decision.questions.includes('shortens');
        }).length
      : 0;
  const applying = counts.checked - (shorten ? 0 : longer);
  const longerChoice =
    longer === 0
      ? []
      : [t(shorten ? 'bulk_confirmShorten' : 'bulk_confirmSkip', numberText(longer))];

  return (
    <div class="bulk-job">
      <p>
        <strong>{what}</strong>
        {t('join_aside', ['', where])}
      </p>
      {job.phase === 'checking' && (
        <p role="status">
          {t('bulk_checking', [
            numberText(counts.checked + counts.failed),
            numberText(counts.total),
          ])}
        </p>
      )}
      {(job.phase === 'running' ||
        job.phase === 'paused' ||
        job.phase === 'done' ||
        job.phase === 'cancelled') && (
        <>
          <progress max={counts.total} value={finished} aria-label={t('bulk_progressLabel')} />
          <p role="status">
            {t('bulk_progress', [
              numberText(counts.done),
              numberText(counts.failed),
              numberText(counts.total),
            ])}
          </p>
        </>
      )}
      {job.phase === 'paused' &&
        (job.awaitingAccess ? (
          // Access given from here, the worker carries the job on by itself.
          <ErrorNotice error={{ kind: 'chat-api', error: noHostAccess(job.awaitingAccess) }} />
        ) : (
          <p class="notice warning">
            {job.pausedUntil === null
              ? t('bulk_pausedLocked')
              : t('bulk_pausedBlocked', formatDateTime(job.pausedUntil, uiLocale()))}
          </p>
        ))}
      {job.phase === 'done' && (
        <p class="notice success">
          {t('bulk_done', [numberText(counts.done), numberText(counts.failed)])}
        </p>
      )}
      {counts.skipped > 0 && (
        <p class="notice info">{t('bulk_skipped', numberText(counts.skipped))}</p>
      )}
      {longer > 0 && !confirming && (
        <fieldset class="bulk-longer">
          <legend>{t('bulk_longer', [numberText(longer), numberText(counts.checked)])}</legend>
          <label>
            <input
              type="radio"
              name="bulk-longer"
              checked={!shorten}
              onChange={() => setShorten(false)}
            />
            {t('bulk_skipLonger')}
          </label>
          <label>
            <input
              type="radio"
              name="bulk-longer"
              checked={shorten}
              onChange={() => setShorten(true)}
            />
            {t('bulk_shortenLonger')}
          </label>
        </fieldset>
      )}
      {job.phase === 'cancelled' && (
        <p class="notice info">{t('bulk_cancelled', numberText(counts.total - finished))}</p>
      )}
      {job.invalid.length > 0 && (
        <details>
          <summary>{t('bulk_invalid', numberText(job.invalid.length))}</summary>
          <ul>
            {job.invalid.map((item) => (
              <li key={item.text}>
                <code>{item.text}</code>
                {t('join_labelled', ['', invalidReason(item.problem)])}
              </li>
            ))}
          </ul>
        </details>
      )}
      {error && <ErrorNotice error={error} />}
      {confirming && (
        <ConfirmBox
          message={sentences([t('bulk_confirm', [what, where]), ...longerChoice])}
          confirmLabel={t('bulk_apply', numberText(applying))}
          onConfirm={() => {
            setConfirming(false);
            void call(() => send({ type: 'bulk.apply', jobId: job.id, shorten }));
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
      <div class="actions">
        {job.phase === 'ready' && !confirming && (
          <button
            type="button"
            class="primary"
            disabled={applying === 0}
            onClick={() => setConfirming(true)}
          >
            {t('bulk_apply', numberText(applying))}
          </button>
        )}
        {(job.phase === 'checking' || job.phase === 'running' || job.phase === 'paused') && (
          <button
            type="button"
            class="danger"
            onClick={() => void call(() => send({ type: 'bulk.cancel', jobId: job.id }))}
          >
            {t('bulk_cancel')}
          </button>
        )}
        {(job.phase === 'done' || job.phase === 'cancelled') && counts.failed > 0 && (
          <button
            type="button"
            class="primary"
            onClick={() => void call(() => send({ type: 'bulk.retryFailed', jobId: job.id }))}
          >
            {t('bulk_retryFailed', numberText(counts.failed))}
          </button>
        )}
        {(job.phase === 'ready' || job.phase === 'done' || job.phase === 'cancelled') && (
          <button
            type="button"
            class="secondary"
            onClick={() => void call(async () => (await send({ type: 'bulk.clear' }), null))}
          >
            {t('bulk_new')}
          </button>
        )}
      </div>
      <table class="bulk-table">
        <thead>
          <tr>
            <th scope="col">{t('bulk_colUser')}</th>
            <th scope="col">{t('bulk_colState')}</th>
          </tr>
        </thead>
        <tbody>
          {failedFirst(job.items)
            .slice(0, SHOWN_ROWS)
            .map((item) => (
              <tr key={item.userId} data-status={item.status}>
                <td>
                  <code>{item.userId}</code>
                </td>
                <td>
                  {item.status === 'failed'
                    ? describeError({
                        kind: 'chat-api',
                        error: {
                          category: item.errorCategory ?? 'unknown-code',
                          code: item.errorCode,
                          attempts: 0,
                        },
                      }).message
                    : item.status === 'done'
                      ? t(job.action === 'unmute' ? 'bulk_itemUnmuted' : 'bulk_itemMuted')
                      : item.exists === false
                        ? t('state_userNotFound')
                        : item.state
                          ? describeState(item.state, now)
                          : t('state_checking')}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      {job.items.length > SHOWN_ROWS && (
        <p class="hint">{t('bulk_more', numberText(job.items.length - SHOWN_ROWS))}</p>
      )}
    </div>
  );
}

/** Failures first: they are what the operator has to act on. */
function failedFirst(items: readonly BulkItem[]): BulkItem[] {
  return [
    ...items.filter((i) => i.status === 'failed'),
    ...items.filter((i) => i.status !== 'failed'),
  ];
}

function invalidReason(problem: string): string {
  if (problem === 'admin-account') return t('mute_refuseAdmin');
  if (problem === 'protected-id') return t('policy_refuseProtected');
  return t(`userIdProblem_${keyPart(problem)}` as MessageKey);
}
