import { PERMANENT_SECONDS } from '../mute/durations';
import type { ScopeState } from '../mute/state';
import type { AuditEntry } from './entry';

const COLUMNS = [
  'time',
  'moderator',
  'app',
  'sdkAppId',
  'environment',
  'userId',
  'action',
  'scopes',
  'previousC2c',
  'previousGroup',
  'nextC2c',
  'nextGroup',
  'seconds',
  'reason',
  'source',
  'pageUrl',
  'outcome',
  'errorCode',
  'resolvedAt',
] as const;

function scopeText(scope: ScopeState | undefined): string {
  if (!scope) return '';
  if (scope.kind === 'none') return 'none';
  if (scope.kind === 'permanent') return 'permanent';
  return `until ${new Date(scope.until).toISOString()}`;
}

/** RFC 4180 field: quoted when needed. A leading =, +, - or @ is neutralised so a spreadsheet
 * never runs a user ID or reason as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The audit log as CSV, one row per entry, oldest first. It starts with a UTF-8 byte order mark:
 * without one Excel reads the file in the system's code page and garbles Chinese and Japanese.
 */
export function auditToCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) =>
    [
      new Date(e.at).toISOString(),
      e.moderator ?? '',
      e.appLabel,
      String(e.sdkAppId),
      e.environment,
      e.userId,
      e.action,
      [e.scopes.c2c ? 'c2c' : '', e.scopes.group ? 'group' : ''].filter(Boolean).join('+'),
      scopeText(e.previous?.c2c),
      scopeText(e.previous?.group),
      scopeText(e.next.c2c),
      scopeText(e.next.group),
      e.seconds === PERMANENT_SECONDS ? 'permanent' : String(e.seconds),
      e.reason,
      e.source,
      e.pageUrl ?? '',
      e.outcome,
      e.errorCode === null ? '' : String(e.errorCode),
      e.resolvedAt === undefined ? '' : new Date(e.resolvedAt).toISOString(),
    ]
      .map(csvField)
      .join(','),
  );
  return `\uFEFF${[COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

/** The audit log as pretty JSON: an object with the export time and the entries. */
export function auditToJson(entries: readonly AuditEntry[], exportedAt: Date): string {
  return `${JSON.stringify({ type: 'mute-console-audit-log', exportedAt: exportedAt.toISOString(), entries }, null, 2)}\n`;
}
