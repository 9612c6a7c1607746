import * as z from 'zod/mini';
import type { BulkJob } from '../mute/bulk';
import { EnvironmentSchema, type ProfileMeta } from '../vault/profile';
import { AuditEntrySchema } from './entry';

/**
 * The audit delivery's queue (utils/audit/delivery.ts sends it): what waits, as stored, and its
 * state as Options shows it. Schemas only, safe for any page to import.
 */

/** One message for a whole bulk run (chat formats): who, how many, what, where, what failed. */
export const BulkSummarySchema = z.strictObject({
  /** `bulk:<job id>:<run>`: the same run summarised again after a restart has the same id. */
  id: z.string().check(z.maxLength(100)),
  at: z.number(),
  moderator: z.optional(z.string().check(z.maxLength(40))),
  appLabel: z.string().check(z.maxLength(60)),
  sdkAppId: z.int(),
  environment: EnvironmentSchema,
  action: z.enum(['mute', 'unmute']),
  seconds: z.int(),
  reason: z.string().check(z.maxLength(200)),
  done: z.int().check(z.minimum(0)),
  failed: z.int().check(z.minimum(0)),
  skipped: z.int().check(z.minimum(0)),
});
export type BulkSummary = z.infer<typeof BulkSummarySchema>;

/**
 * A bulk run's summary: the items of its last run (a "retry failed" run counts only what it
 * retried), under an id that a restart summarising the same run again repeats.
 */
export function bulkSummary(
  job: BulkJob,
  app: Pick<ProfileMeta, 'label' | 'environment' | 'sdkAppId'>,
  moderator: string | null,
  nowMs: number,
): BulkSummary {
  const run = Math.max(0, ...job.items.map((item) => item.attempt ?? 0));
  const counts = { done: 0, failed: 0, skipped: 0 };
  for (const item of job.items) {
    if ((item.attempt ?? 0) !== run) continue;
    if (item.status === 'done' || item.status === 'failed' || item.status === 'skipped')
      counts[item.status]++;
  }
  return {
    id: `bulk:${job.id}:${run}`,
    at: nowMs,
    ...(moderator === null ? {} : { moderator }),
    appLabel: app.label.slice(0, 60),
    sdkAppId: app.sdkAppId,
    environment: app.environment,
    action: job.action,
    seconds: job.seconds,
    reason: job.reason,
    ...counts,
  };
}

/** What waits to be delivered: an audit entry, or a bulk run's summary. */
export const OutboxItemSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('entry'), entry: AuditEntrySchema }),
  z.strictObject({ kind: z.literal('summary'), summary: BulkSummarySchema }),
]);
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

export function itemId(item: OutboxItem): string {
  return item.kind === 'entry' ? item.entry.id : item.summary.id;
}

export const DeliveryProblemSchema = z.enum(['http', 'timeout', 'network', 'no-access']);
export type DeliveryProblem = z.infer<typeof DeliveryProblemSchema>;

export const DeliveryErrorSchema = z.strictObject({
  at: z.number(),
  problem: DeliveryProblemSchema,
  /** The HTTP status, for `http`. */
  status: z.nullable(z.int()),
});
export type DeliveryError = z.infer<typeof DeliveryErrorSchema>;

/** An entry handed to the queue lately (or left out by its format): not handed again. */
const HandedSchema = z.strictObject({ id: z.string().check(z.maxLength(100)), at: z.number() });

/** The queue as stored (storage.local, as JSON text): it outlives the worker and the browser. */
export const OutboxSchema = z.strictObject({
  /** Bumped at each write of the items: the head record (below) says which one it counts on. */
  rev: z.int(),
  items: z.array(OutboxItemSchema),
  delivered: z.int().check(z.minimum(0)),
  /**
   * Never delivered: dropped oldest-first past the budget, refused by the destination as
   * malformed, or unreadable in storage. Counted and shown, never silently.
   */
  dropped: z.int().check(z.minimum(0)),
  lastDroppedAt: z.nullable(z.number()),
  /** Left out as not for the format in force (a bulk entry for Slack, a summary for JSON). */
  skipped: z.int().check(z.minimum(0)),
  /** Failed attempts at the head of the queue in a row. */
  failures: z.int().check(z.minimum(0)),
  /** No attempt before this (back-off, or the destination's Retry-After). */
  retryAt: z.nullable(z.number()),
  lastError: z.nullable(DeliveryErrorSchema),
  /**
   * The latest finish time of an entry handed over, and the entries handed over close to it:
   * after a restart, the audit log's entries finished since then that are not among them were
   * recorded but never handed over (the worker stopped in between), and are handed over then.
   */
  handedThrough: z.nullable(z.number()),
  recent: z.array(HandedSchema),
});
export type Outbox = z.infer<typeof OutboxSchema>;

/**
 * What changes as the queue drains, stored apart so a delivery rewrites a few bytes, not the
 * whole queue: how many of the items stored under revision `rev` are gone from its front, and
 * the counters. The items are rewritten when they change otherwise, or every few hundred gone.
 */
export const OutboxHeadSchema = z.extend(
  z.pick(OutboxSchema, {
    rev: true,
    delivered: true,
    dropped: true,
    lastDroppedAt: true,
    skipped: true,
    failures: true,
    retryAt: true,
    lastError: true,
  }),
  { removed: z.int().check(z.minimum(0)) },
);
export type OutboxHead = z.infer<typeof OutboxHeadSchema>;

/** The head record of a queue whose first `removed` stored items are gone. */
export function outboxHead(box: Outbox, removed: number): OutboxHead {
  return {
    rev: box.rev,
    removed,
    delivered: box.delivered,
    dropped: box.dropped,
    lastDroppedAt: box.lastDroppedAt,
    skipped: box.skipped,
    failures: box.failures,
    retryAt: box.retryAt,
    lastError: box.lastError,
  };
}

/** The queue's state, for Options: "12 waiting; last error 403 at 10:42". */
export const DeliveryStateSchema = z.strictObject({
  waiting: z.int(),
  delivered: z.int(),
  dropped: z.int(),
  lastDroppedAt: z.nullable(z.number()),
  skipped: z.int(),
  lastError: z.nullable(DeliveryErrorSchema),
  retryAt: z.nullable(z.number()),
});
export type DeliveryState = z.infer<typeof DeliveryStateSchema>;

export function emptyOutbox(): Outbox {
  return {
    rev: 0,
    items: [],
    delivered: 0,
    dropped: 0,
    lastDroppedAt: null,
    skipped: 0,
    failures: 0,
    retryAt: null,
    lastError: null,
    handedThrough: null,
    recent: [],
  };
}

/**
 * A stored queue that does not fit its schema: the items that still read are kept, the others
 * counted as dropped (never lost without a trace); the counters start over where unreadable.
 */
export function salvageOutbox(stored: unknown, nowMs: number): Outbox {
  const box = emptyOutbox();
  const raw = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<
    string,
    unknown
  >;
  const items: unknown[] = Array.isArray(raw.items) ? raw.items : [];
  for (const item of items) {
    const parsed = OutboxItemSchema.safeParse(item);
    if (parsed.success) box.items.push(parsed.data);
    else box.dropped++;
  }
  for (const key of ['delivered', 'dropped', 'skipped'] as const) {
    const value = raw[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) box[key] += value;
  }
  if (box.dropped > 0) box.lastDroppedAt = nowMs;
  return box;
}

/** Why a test did not arrive: `none`, no destination; `no-key`, JSON without its signing key. */
export const DeliveryTestProblemSchema = z.union([
  z.enum(['none', 'no-key']),
  DeliveryProblemSchema,
]);
export type DeliveryTestProblem = z.infer<typeof DeliveryTestProblemSchema>;

/** What Options' "Send a test" reports: delivered (in ms), or why not. */
export const DeliveryTestResultSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), ms: z.number() }),
  z.strictObject({
    ok: z.literal(false),
    problem: DeliveryTestProblemSchema,
    status: z.optional(z.nullable(z.int())),
  }),
]);
export type DeliveryTestResult = z.infer<typeof DeliveryTestResultSchema>;
