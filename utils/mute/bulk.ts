import * as z from 'zod/mini';
import { HostAccessSchema } from '../chat-api/host-access';
import { ChatErrorCategorySchema } from '../chat-api/errors';
import { ScopesSchema } from './scopes';
import { MuteStateSchema } from './state';

/** The largest list one bulk job takes. */
export const MAX_BULK_IDS = 5000;

export const BulkItemSchema = z.strictObject({
  userId: z.string().check(z.maxLength(64)),
  /** The state the dry run read, when it did. */
  state: z.nullable(MuteStateSchema),
  exists: z.nullable(z.boolean()),
  /** `skipped`: muted for longer already, and the operator chose not to shorten. */
  status: z.enum(['pending', 'checked', 'done', 'failed', 'skipped']),
  errorCode: z.nullable(z.int()),
  errorCategory: z.nullable(ChatErrorCategorySchema),
  /** Counts "retry the failed": each attempt is an audit entry of its own. */
  attempt: z.optional(z.int()),
});
export type BulkItem = z.infer<typeof BulkItemSchema>;

/**
 * A bulk job, kept in storage.session so it survives the popup closing and the worker
 * restarting. Phases: checking (dry run) → ready → running ⇄ paused (70050) → done, or
 * cancelled at any point.
 */
export const BulkJobSchema = z.strictObject({
  id: z.string().check(z.maxLength(64)),
  profileId: z.string().check(z.maxLength(64)),
  action: z.enum(['mute', 'unmute']),
  scopes: ScopesSchema,
  seconds: z.int(),
  reason: z.string().check(z.maxLength(200)),
  phase: z.enum(['checking', 'ready', 'running', 'paused', 'done', 'cancelled']),
  invalid: z.array(
    z.strictObject({
      text: z.string().check(z.maxLength(200)),
      problem: z.string().check(z.maxLength(32)),
    }),
  ),
  items: z.array(BulkItemSchema).check(z.maxLength(MAX_BULK_IDS)),
  /** Chosen at Apply: users the dry run found muted for longer get the shorter mute, or are skipped. */
  shorten: z.optional(z.boolean()),
  pausedUntil: z.nullable(z.number()),
  /** Paused for host access the browser withdrew: the host to name and the patterns to ask for. */
  awaitingAccess: z.optional(HostAccessSchema),
  startedAt: z.number(),
  finishedAt: z.nullable(z.number()),
});
export type BulkJob = z.infer<typeof BulkJobSchema>;

export interface BulkCounts {
  total: number;
  pending: number;
  checked: number;
  done: number;
  failed: number;
  skipped: number;
}

export function countItems(job: BulkJob): BulkCounts {
  const counts: BulkCounts = {
    total: job.items.length,
    pending: 0,
    checked: 0,
    done: 0,
    failed: 0,
    skipped: 0,
  };
  for (const item of job.items) counts[item.status]++;
  return counts;
}
