import { useEffect, useState } from 'preact/hooks';
import { durationText } from '../../utils/mute/duration-text';
import { useSend } from '../../components/background';
import { ErrorNotice } from '../../components/ErrorNotice';
import { auditToCsv, auditToJson } from '../../utils/audit/export';
import type { AuditEntry } from '../../utils/audit/entry';
import type { ResponseOf } from '../../utils/messages/protocol';
import { numberText, sentences, t, uiLocale } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import { describeError } from '../../utils/messages/describe-error';
import { PERMANENT_SECONDS, formatDateTime } from '../../utils/mute/durations';
import { describeState } from '../../utils/mute/describe-state';
import type { ProfileMeta } from '../../utils/vault/profile';

const SHOWN = 200;

/** The audit log: searchable by user, filterable by app, exportable as CSV and JSON. */
export function AuditLogView({ profiles }: { profiles: readonly ProfileMeta[] }) {
  const send = useSend();
  const [query, setQuery] = useState('');
  const [profileId, setProfileId] = useState('');
  const [moderator, setModerator] = useState('');
  const [listing, setListing] = useState<ResponseOf<'audit.list'> | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      send({
        type: 'audit.list',
        ...(query.trim() ? { userQuery: query.trim() } : {}),
        ...(profileId ? { profileId } : {}),
        ...(moderator ? { moderator } : {}),
      }).then(
        (list) => !cancelled && setListing(list),
        (e: unknown) => !cancelled && setError(asAppError(e)),
      );
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [send, query, profileId, moderator]);

  function download(text: string, type: string, extension: string) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `mute-console-audit-${new Date().toISOString().slice(0, 10)}.${extension}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  const entries = listing?.entries ?? null;
  const newestFirst = entries ? [...entries].reverse() : [];
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('audit_title')}</h2>
      <div class="filters">
        <div class="field">
          <label for="audit-query">{t('audit_search')}</label>
          <input
            id="audit-query"
            type="search"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="audit-app">{t('audit_app')}</label>
          <select
            id="audit-app"
            value={profileId}
            onChange={(e) => setProfileId(e.currentTarget.value)}
          >
            <option value="">{t('audit_allApps')}</option>
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        {/* Only once some entry names a moderator. */}
        {((listing?.moderators.length ?? 0) > 0 || moderator !== '') && (
          <div class="field">
            <label for="audit-moderator">{t('audit_moderator')}</label>
            <select
              id="audit-moderator"
              value={moderator}
              onChange={(e) => setModerator(e.currentTarget.value)}
            >
              <option value="">{t('audit_allModerators')}</option>
              {listing?.moderators.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <div class="actions">
        <button
          type="button"
          class="secondary"
          disabled={!entries?.length}
          onClick={() => entries && download(auditToCsv(entries), 'text/csv', 'csv')}
        >
          {t('audit_exportCsv')}
        </button>
        <button
          type="button"
          class="secondary"
          disabled={!entries?.length}
          onClick={() =>
            entries && download(auditToJson(entries, new Date()), 'application/json', 'json')
          }
        >
          {t('audit_exportJson')}
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
      <p class="hint" aria-live="polite">
        {sentences([
          ...(entries === null ? [] : [t('audit_count', numberText(entries.length))]),
          ...(listing
            ? [t('audit_usage', [formatBytes(listing.bytes), formatBytes(listing.budgetBytes)])]
            : []),
        ])}
      </p>
      {listing && listing.skipped > 0 && (
        <p class="notice" role="status">
          {t('audit_skipped', String(listing.skipped))}
        </p>
      )}
      {listing && listing.droppedForBudget > 0 && (
        <p class="notice" role="status">
          {t('audit_droppedForBudget', [
            formatBytes(listing.budgetBytes),
            String(listing.droppedForBudget),
          ])}
        </p>
      )}
      {listing && listing.undelivered.count > 0 && (
        <p class="notice warning" role="status" id="audit-undelivered">
          {t('audit_undelivered', [
            numberText(listing.undelivered.count),
            listing.undelivered.lastAt === null
              ? '—'
              : formatDateTime(listing.undelivered.lastAt, uiLocale()),
          ])}
        </p>
      )}
      {newestFirst.length > 0 && (
        <div class="table-wrap">
          <table class="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('audit_colTime')}</th>
                <th scope="col">{t('audit_colModerator')}</th>
                <th scope="col">{t('audit_colApp')}</th>
                <th scope="col">{t('audit_colUser')}</th>
                <th scope="col">{t('audit_colAction')}</th>
                <th scope="col">{t('audit_colBefore')}</th>
                <th scope="col">{t('audit_colReason')}</th>
                <th scope="col">{t('audit_colSource')}</th>
                <th scope="col">{t('audit_colResult')}</th>
              </tr>
            </thead>
            <tbody>
              {newestFirst.slice(0, SHOWN).map((e) => (
                <tr key={e.id} data-outcome={e.outcome}>
                  <td>{formatDateTime(e.at, uiLocale())}</td>
                  <td>{e.moderator ?? '—'}</td>
                  <td>{e.appLabel}</td>
                  <td>
                    <code>{e.userId}</code>
                  </td>
                  <td>{actionText(e)}</td>
                  <td>{e.previous ? describeState(e.previous, e.at) : '—'}</td>
                  <td>{e.reason}</td>
                  <td>{t(`source_${e.source}`)}</td>
                  <td>
                    {e.resolvedAt !== undefined
                      ? t(
                          e.outcome === 'ok' ? 'audit_resolvedOk' : 'audit_resolvedFailed',
                          formatDateTime(e.resolvedAt, uiLocale()),
                        )
                      : e.outcome === 'unknown'
                        ? t('audit_unknown')
                        : e.outcome === 'ok'
                          ? t('audit_ok')
                          : describeError({
                              kind: 'chat-api',
                              error: {
                                category: e.errorCategory ?? 'unknown-code',
                                code: e.errorCode,
                                attempts: 0,
                              },
                            }).message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** "3.2 MB": storage sizes in the UI language. */
function formatBytes(bytes: number): string {
  return new Intl.NumberFormat(uiLocale(), {
    style: 'unit',
    unit: 'megabyte',
    maximumFractionDigits: 1,
  }).format(bytes / (1024 * 1024));
}

function actionText(e: AuditEntry): string {
  if (e.action === 'undo') return t('audit_actionUndo');
  if (e.action === 'unmute') return t('audit_actionUnmute');
  return e.seconds === PERMANENT_SECONDS
    ? t('audit_actionMutePermanent')
    : t('audit_actionMute', durationText(e.seconds));
}
