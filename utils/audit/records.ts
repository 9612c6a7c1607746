import * as z from 'zod/mini';
import { ChatErrorCategorySchema } from '../chat-api/errors';
import { MuteStateSchema } from '../mute/state';
import { AuditEntrySchema, type AuditEntry } from './entry';

/**
 * What the audit log stores: an intent, written (and durable) before the API call, and an
 * outcome, written after it; a reader merges them by entry id. An intent with no outcome is an
 * action whose answer never got recorded (the worker stopped in between): "outcome unknown"
 * until a state read resolves it.
 */
export const IntentRecordSchema = z.strictObject({
  k: z.literal('intent'),
  ...z.omit(AuditEntrySchema, {
    outcome: true,
    errorCode: true,
    errorCategory: true,
    resolvedAt: true,
  }).shape,
});
export type IntentRecord = z.infer<typeof IntentRecordSchema>;

export const OutcomeRecordSchema = z.strictObject({
  k: z.literal('outcome'),
  id: z.string().check(z.maxLength(64)),
  at: z.number(),
  outcome: z.enum(['ok', 'failed']),
  /** The state the action set, when it differs from the intent's (set after the call). */
  next: z.optional(MuteStateSchema),
  errorCode: z.nullable(z.int()),
  errorCategory: z.optional(ChatErrorCategorySchema),
  /** Set when the outcome was found later by reading the user's state, not from the answer. */
  resolved: z.optional(z.literal(true)),
});
export type OutcomeRecord = z.infer<typeof OutcomeRecordSchema>;

export const AuditRecordSchema = z.discriminatedUnion('k', [
  IntentRecordSchema,
  OutcomeRecordSchema,
]);
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** Stored records merged into entries, oldest intent first. */
export interface MergedLog {
  entries: AuditEntry[];
  /** Stored records that fit no schema: skipped, left as they are, and counted. */
  skipped: number;
}

/**
 * Merges records (in the order they were written) into one entry per intent. A second intent
 * with the same id (a bulk item sent again after a restart) adds nothing; an outcome whose intent
 * was pruned is dropped; the last outcome of an id wins.
 */
export function mergeRecords(records: Iterable<unknown>): MergedLog {
  const intents = new Map<string, IntentRecord>();
  const outcomes = new Map<string, OutcomeRecord>();
  let skipped = 0;
  for (const raw of records) {
    const parsed = AuditRecordSchema.safeParse(raw);
    if (!parsed.success) {
      skipped++;
      continue;
    }
    const record = parsed.data;
    if (record.k === 'intent') {
      if (!intents.has(record.id)) intents.set(record.id, record);
    } else outcomes.set(record.id, record);
  }
  const entries: AuditEntry[] = [];
  for (const intent of intents.values()) entries.push(entryOf(intent, outcomes.get(intent.id)));
  return { entries, skipped };
}

/** One entry: the intent with its outcome, or "unknown" when there is none yet. */
export function entryOf(intent: IntentRecord, outcome: OutcomeRecord | undefined): AuditEntry {
  const { k: _k, ...fields } = intent;
  if (!outcome) return { ...fields, outcome: 'unknown', errorCode: null };
  return {
    ...fields,
    // A resolved entry keeps the time of the action; an answered one the time of the answer.
    at: outcome.resolved ? intent.at : outcome.at,
    next: outcome.next ?? intent.next,
    outcome: outcome.outcome,
    errorCode: outcome.errorCode,
    ...(outcome.errorCategory ? { errorCategory: outcome.errorCategory } : {}),
    ...(outcome.resolved ? { resolvedAt: outcome.at } : {}),
  };
}
