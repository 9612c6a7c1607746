import { hmacSha256Hex } from '../hmac';
import { durationText } from '../mute/duration-text';
import { numberText, t } from '../i18n';
import { PERMANENT_SECONDS } from '../mute/durations';
import type { Environment } from '../vault/profile';
import type { DeliveryFormat, Destination } from './destination';
import { itemId, type DeliveryError, type OutboxItem } from './outbox';

/**
 * Audit delivery: every audit entry sent on to where the team keeps its trail (README, "For
 * teams"). What each format sends and how an answer is read; the destination is in
 * ./destination.ts, the queue's shape in ./outbox.ts, and the queue and the sending in
 * background/audit-delivery.ts, the only importer (it signs: this module pulls in jsrsasign).
 */

/**
 * Whether the format in force takes an item: JSON receivers get every entry (and no summary);
 * Slack and Discord get a bulk run as its one summary (and none of its entries).
 */
export function fitsFormat(format: DeliveryFormat, item: OutboxItem): boolean {
  if (format === 'json') return item.kind === 'entry';
  return item.kind === 'summary' || item.entry.source !== 'bulk';
}

/**
 * The least time between two messages: Slack's incoming webhooks take about one a second,
 * Discord's about 30 a minute per channel. A JSON receiver sets its own pace by answering.
 */
export const PACE_MS: Record<DeliveryFormat, number> = { json: 0, slack: 1100, discord: 2100 };

/** Back-off after failed attempts in a row: 2 s, 4 s, 8 s … at most 15 min. */
export function retryDelayMs(failures: number): number {
  return Math.min(15 * 60_000, 2000 * 2 ** Math.max(0, failures - 1));
}

const SIGNATURE_HEADER = 'Mute-Console-Signature';
const TIMESTAMP_HEADER = 'Mute-Console-Timestamp';

/** The signature a JSON delivery carries: `v1=` + hex HMAC-SHA256 of `<timestamp>.<body>`. */
function signatureOf(secret: string, timestamp: number, body: string): string {
  return `v1=${hmacSha256Hex(secret, `${timestamp}.${body}`)}`;
}

/** Options' "Send a test": sent at once, never queued. */
export interface TestItem {
  kind: 'test';
  id: string;
  moderator: string | null;
}

/** Anything a destination is sent. */
export type Deliverable = OutboxItem | TestItem;

export interface DeliveryRequest {
  headers: Record<string, string>;
  body: string;
}

/** What one delivery sends, at `nowMs`, in the destination's format. */
export function deliveryRequest(
  destination: Destination,
  item: Deliverable,
  nowMs: number,
): DeliveryRequest {
  const json = { 'Content-Type': 'application/json' };
  switch (destination.format) {
    case 'json': {
      const body = JSON.stringify(
        item.kind === 'entry'
          ? { type: 'mute-console.audit-entry', version: 1, entry: item.entry }
          : item.kind === 'summary'
            ? { type: 'mute-console.bulk-summary', version: 1, summary: item.summary }
            : { type: 'mute-console.test', version: 1, moderator: item.moderator },
      );
      const timestamp = Math.floor(nowMs / 1000);
      return {
        headers: {
          ...json,
          'Idempotency-Key': item.kind === 'test' ? item.id : itemId(item),
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signatureOf(destination.secret ?? '', timestamp, body),
        },
        body,
      };
    }
    case 'slack':
      // Plain text: a reason is never a link, a mention or formatting.
      return {
        headers: json,
        body: JSON.stringify({ text: slackEscape(chatText(item)), mrkdwn: false }),
      };
    case 'discord':
      // A reason or user ID is never a ping (no mention is resolved), never Markdown or a
      // masked link, and no link in it gets a preview (flag 4: SUPPRESS_EMBEDS).
      return {
        headers: json,
        body: JSON.stringify({
          content: discordEscape(chatText(item)),
          allowed_mentions: { parse: [] },
          flags: 4,
        }),
      };
  }
}

/** Slack reads `<…>` as links and mentions (`<!channel>`): the three control characters go escaped. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Discord's Markdown characters, each taken literally (a backslash before it). */
function discordEscape(text: string): string {
  return text.replace(/[\\*_~`|>[\]()#-]/g, (c) => `\\${c}`);
}

/** "mod-night-1 muted spammer_01 for 1 hr in Demo community (PROD): spam links". */
export function chatText(item: Deliverable): string {
  if (item.kind === 'test') return t('delivery_testText', item.moderator ?? t('delivery_someone'));
  if (item.kind === 'summary') {
    const s = item.summary;
    const who = s.moderator ?? t('delivery_someone');
    const count = numberText(s.done);
    const where = appText(s.appLabel, s.environment);
    let text =
      s.action === 'unmute'
        ? t('delivery_bulkUnmuted', [who, count, where])
        : s.seconds === PERMANENT_SECONDS
          ? t('delivery_bulkMutedPermanently', [who, count, where])
          : t('delivery_bulkMuted', [who, count, durationText(s.seconds), where]);
    if (s.reason !== '') text = t('delivery_withReason', [text, s.reason]);
    if (s.failed > 0) text = t('delivery_bulkFailed', [text, numberText(s.failed)]);
    if (s.skipped > 0) text = t('delivery_bulkSkipped', [text, numberText(s.skipped)]);
    return text;
  }
  const e = item.entry;
  const who = e.moderator ?? t('delivery_someone');
  const where = appText(e.appLabel, e.environment);
  let text =
    e.action === 'undo'
      ? t('delivery_undid', [who, e.userId, where])
      : e.seconds === 0
        ? t('delivery_unmuted', [who, e.userId, where])
        : e.seconds === PERMANENT_SECONDS
          ? t('delivery_mutedPermanently', [who, e.userId, where])
          : t('delivery_muted', [who, e.userId, durationText(e.seconds), where]);
  if (e.reason !== '') text = t('delivery_withReason', [text, e.reason]);
  if (e.outcome === 'failed')
    text = t('delivery_failed', [text, e.errorCode === null ? '—' : String(e.errorCode)]);
  else if (e.outcome === 'unknown') text = t('delivery_outcomeUnknown', text);
  return text;
}

function appText(label: string, environment: Environment): string {
  return environment === 'production' ? t('delivery_appProduction', label) : label;
}

/** What came of one attempt. */
export type DeliveryAnswer =
  { kind: 'delivered' } | { kind: 'failed'; error: DeliveryError; retryAt: number };

/**
 * Reads a destination's answer. 2xx is delivered; for JSON so is 409 (the receiver has this
 * Idempotency-Key already: an earlier attempt landed though its answer was lost). Anything else
 * is tried again later: after the destination's Retry-After for 429 and 503, else after the
 * back-off. A 4xx is tried again too: a webhook deleted or a key mistyped is fixed in Options,
 * and nothing is dropped meanwhile.
 */
export function readAnswer(
  format: DeliveryFormat,
  status: number,
  retryAfter: string | null,
  failures: number,
  nowMs: number,
): DeliveryAnswer {
  if ((status >= 200 && status < 300) || (format === 'json' && status === 409))
    return { kind: 'delivered' };
  const backOff = retryDelayMs(failures + 1);
  const asked = Number(retryAfter);
  const wait =
    (status === 429 || status === 503) && Number.isFinite(asked) && asked > 0
      ? Math.min(Math.max(asked * 1000, 1000), 15 * 60_000)
      : backOff;
  return {
    kind: 'failed',
    error: { at: nowMs, problem: 'http', status },
    retryAt: nowMs + wait,
  };
}
