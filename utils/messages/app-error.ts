import * as z from 'zod/mini';
import { ChatErrorDataSchema } from '../chat-api/errors';
import { QuestionSchema, ShortenedSchema } from '../mute/decision';
import { VaultProblemSchema } from '../vault/problems';

/**
 * Every failure a request can report, as plain data (Error objects do not cross contexts).
 * Nothing here can carry a secret: only enums, numbers and short field names.
 */
export const AppErrorSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('vault'),
    problem: VaultProblemSchema,
    retryAfterMs: z.optional(z.int().check(z.minimum(0))),
  }),
  z.object({ kind: z.literal('chat-api'), error: ChatErrorDataSchema }),
  z.object({ kind: z.literal('invalid-input'), field: z.string().check(z.maxLength(64)) }),
  z.object({ kind: z.literal('not-found') }),
  /** Nothing was sent: the organisation's policy does not allow it (utils/policy). */
  z.object({
    kind: z.literal('policy'),
    rule: z.enum([
      'protected-id',
      'longer-than-allowed',
      'permanent-not-allowed',
      'backup-export',
      'site',
    ]),
    longestSeconds: z.optional(z.int().check(z.minimum(1))),
    /** The host a page site was refused for. */
    host: z.optional(z.string().check(z.maxLength(253))),
  }),
  /** Nothing was sent: the action needs the operator's yes to these questions first. */
  z.object({
    kind: z.literal('needs-confirmation'),
    questions: z.array(QuestionSchema).check(z.minLength(1), z.maxLength(3)),
    shortened: z.array(ShortenedSchema).check(z.maxLength(2)),
  }),
  /** A plain stored value (settings, logs) no longer fits its schema; it was left as it is. */
  z.object({ kind: z.literal('stored-data-unreadable') }),
  /** Nothing was sent: the audit log could not record the action first. */
  z.object({ kind: z.literal('audit-unwritable'), quota: z.boolean() }),
  z.object({ kind: z.literal('permission-denied') }),
  /** A page asked for more than its per-tab allowance. */
  z.object({ kind: z.literal('too-fast') }),
  z.object({ kind: z.literal('invalid-request') }),
  z.object({ kind: z.literal('internal') }),
]);
export type AppError = z.infer<typeof AppErrorSchema>;

/** A request that failed, on the caller's side. */
export class RequestFailed extends Error {
  override name = 'RequestFailed';
  constructor(readonly error: AppError) {
    super(`request failed: ${error.kind}`);
  }
}

/** The error a request failed with, as data; anything unexpected becomes `internal`. */
export function asAppError(error: unknown): AppError {
  return error instanceof RequestFailed ? error.error : { kind: 'internal' };
}
