import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { useSend } from '../../components/background';
import { ErrorNotice } from '../../components/ErrorNotice';
import { HostAccessButton } from '../../components/HostAccessButton';
import { askForAccess } from '../../components/host-access';
import { PasswordInput } from '../../components/PasswordInput';
import { bytesToHex } from '../../utils/encoding';
import { keyPart, numberText, sentences, t, uiLocale, type MessageKey } from '../../utils/i18n';
import type {
  DeliveryError,
  DeliveryTestProblem,
  DeliveryTestResult,
} from '../../utils/audit/outbox';
import {
  parseDestinationUrl,
  type DeliveryFormat,
  type DestinationView,
} from '../../utils/audit/destination';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import type { DeliveryView } from '../../utils/messages/protocol';
import { formatDateTime } from '../../utils/mute/durations';
import { STORED } from '../../utils/storage/keys';
import { LockIcon } from './PolicySection';

const FORMATS: DeliveryFormat[] = ['json', 'slack', 'discord'];

/**
 * Where the audit log is delivered (JSON to a log collector, Slack, Discord) and how the queue
 * stands: "12 waiting; last error HTTP 403 at 10:42". The URL is never shown again once saved
 * (a webhook URL is a bearer secret): only its host. Host access is asked for in the Save click.
 */
export function AuditDeliverySection() {
  const send = useSend();
  const [view, setView] = useState<DeliveryView | null>(null);
  const [format, setFormat] = useState<DeliveryFormat>('json');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<DeliveryTestResult | 'sending' | null>(null);

  const refresh = useCallback(async () => {
    const next = await send({ type: 'delivery.get' });
    setView(next);
    return next;
  }, [send]);

  useEffect(() => {
    void refresh().then((first) => {
      if (first.destination) setFormat(first.destination.format);
    });
    // The queue is written as it drains: the state follows it live.
    const onChanged = (changes: Record<string, unknown>) => {
      if (STORED.auditOutbox.key in changes || STORED.auditOutboxHead.key in changes)
        void refresh();
    };
    browser.storage.local.onChanged.addListener(onChanged);
    return () => browser.storage.local.onChanged.removeListener(onChanged);
  }, [refresh]);

  if (!view) return null;
  const destination = view.destination;
  const effectiveFormat = view.managed && destination ? destination.format : format;
  const keepsSecret = destination?.format === 'json' && destination.hasSecret;

  function save(event: Event) {
    event.preventDefault();
    setSaved(false);
    setError(null);
    // Asked first thing in the click: a permission prompt needs its user activation. The
    // policy's destination is asked for when the moderator saves its key.
    const target = view?.managed ? null : parseDestinationUrl(url);
    const origin = target?.ok ? target.origin : view?.managed ? view.destination?.origin : null;
    const asked = origin ? askForAccess([origin]) : Promise.resolve(true);
    void asked
      .then(() =>
        send({
          type: 'delivery.save',
          format: effectiveFormat,
          ...(view?.managed || url.trim() === '' ? {} : { url }),
          ...(secret.trim() === '' ? {} : { secret: secret.trim() }),
        }),
      )
      .then(
        (next) => {
          setView(next);
          setUrl('');
          setSecret('');
          setSaved(true);
        },
        (failure: unknown) => setError(asAppError(failure)),
      );
  }

  return (
    <section class="card" aria-labelledby="delivery-title">
      <h2 id="delivery-title">{t('delivery_title')}</h2>
      <p class="hint">{t('delivery_intro')}</p>
      <DeliveryStatus
        view={view}
        onRetry={() => void send({ type: 'delivery.retry' }).then(setView)}
        onAccess={() => void refresh()}
      />
      <form class="delivery-form" onSubmit={save} noValidate>
        {view.managed ? (
          <p id="delivery-managed">
            <LockIcon />{' '}
            {destination
              ? t('delivery_managed', [
                  t(`delivery_format_${destination.format}`),
                  destination.host,
                ])
              : t('inputProblem_delivery_managed')}
          </p>
        ) : (
          <>
            <div class="field">
              <label for="delivery-format">{t('delivery_format')}</label>
              <select
                id="delivery-format"
                value={format}
                onChange={(e) => setFormat(e.currentTarget.value as DeliveryFormat)}
              >
                {FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {t(`delivery_format_${f}`)}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="delivery-url">{t('delivery_url')}</label>
              <input
                id="delivery-url"
                type="url"
                inputMode="url"
                autocomplete="off"
                spellcheck={false}
                placeholder="https://"
                value={url}
                aria-describedby="delivery-url-hint"
                onInput={(e) => setUrl(e.currentTarget.value)}
              />
              <p class="hint" id="delivery-url-hint">
                {t('delivery_urlHint')}
              </p>
            </div>
          </>
        )}
        {effectiveFormat === 'json' && (!view.managed || destination) && (
          <div>
            <PasswordInput
              id="delivery-secret"
              label={t('delivery_secret')}
              value={secret}
              onInput={setSecret}
              describedBy="delivery-secret-hint"
            />
            <button
              type="button"
              class="secondary small"
              onClick={() => setSecret(bytesToHex(crypto.getRandomValues(new Uint8Array(32))))}
            >
              {t('delivery_generate')}
            </button>
            <p class="hint" id="delivery-secret-hint">
              {t('delivery_secretHint')} {keepsSecret ? t('delivery_secretKeep') : ''}
            </p>
          </div>
        )}
        {error && <ErrorNotice error={error} id="delivery-error" />}
        <div class="actions">
          {(!view.managed || (destination && effectiveFormat === 'json')) && (
            <button type="submit">{t('delivery_save')}</button>
          )}
          {destination && (
            <button
              type="button"
              class="secondary"
              disabled={test === 'sending'}
              onClick={() => {
                setTest('sending');
                void send({ type: 'delivery.test' }).then(setTest, (failure: unknown) =>
                  setError(asAppError(failure)),
                );
              }}
            >
              {t('delivery_sendTest')}
            </button>
          )}
          {!view.managed && destination && (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setSaved(false);
                setTest(null);
                void send({ type: 'delivery.remove' }).then(setView);
              }}
            >
              {t('delivery_remove')}
            </button>
          )}
          <span role="status" id="delivery-feedback">
            {saved ? t('delivery_saved') : ''} {test ? testWords(test) : ''}
          </span>
        </div>
      </form>
    </section>
  );
}

/** Where entries go and how the queue stands, in one status line. */
function DeliveryStatus({
  view,
  onRetry,
  onAccess,
}: {
  view: DeliveryView;
  onRetry: () => void;
  onAccess: () => void;
}) {
  const { destination, state } = view;
  const locale = uiLocale();
  const lines: string[] = [];
  lines.push(destination ? destinationWords(destination) : t('delivery_none'));
  if (destination?.format === 'json' && !destination.hasSecret)
    lines.push(t('delivery_needsSecret'));
  if (state.waiting === 0) lines.push(t('delivery_allDelivered', numberText(state.delivered)));
  else {
    lines.push(
      destination
        ? t('delivery_waiting', numberText(state.waiting))
        : t('delivery_waitingNoDestination', numberText(state.waiting)),
    );
    if (state.lastError)
      lines.push(
        t('delivery_lastError', [
          errorWords(state.lastError),
          formatDateTime(state.lastError.at, locale),
        ]),
      );
    if (state.retryAt !== null && destination)
      lines.push(t('delivery_nextTry', formatDateTime(state.retryAt, locale)));
  }
  // The audit log above says which and when (audit_undelivered).
  if (state.dropped > 0) lines.push(t('delivery_dropped', numberText(state.dropped)));
  if (state.skipped > 0) lines.push(t('delivery_skipped', numberText(state.skipped)));
  // Asked for at Save; withdrawn since (or a policy's destination saved without a click): ask here.
  const access =
    destination && !view.hostAccess
      ? { host: destination.host, origins: [destination.origin] }
      : null;
  return (
    <div class="delivery-status">
      <p id="delivery-state" role="status">
        {sentences(lines)}
      </p>
      {access && (
        <p id="delivery-access">
          {t('delivery_noAccess', access.host)}{' '}
          <HostAccessButton access={access} onGranted={onAccess} />
        </p>
      )}
      {destination && state.waiting > 0 && (
        <button type="button" class="secondary small" onClick={onRetry}>
          {t('delivery_retry')}
        </button>
      )}
    </div>
  );
}

function testWords(test: DeliveryTestResult | 'sending'): string {
  if (test === 'sending') return t('delivery_testSending');
  if (test.ok) return t('delivery_testOk', String(Math.round(test.ms)));
  return t('delivery_testFailed', problemWords(test.problem, test.status ?? null));
}

function destinationWords(destination: DestinationView): string {
  return t('delivery_to', [destination.host, t(`delivery_format_${destination.format}`)]);
}

function errorWords(error: DeliveryError): string {
  return problemWords(error.problem, error.status);
}

function problemWords(problem: DeliveryTestProblem, status: number | null): string {
  return problem === 'http'
    ? t('delivery_problem_http', String(status ?? ''))
    : t(`delivery_problem_${keyPart(problem)}` as MessageKey);
}
