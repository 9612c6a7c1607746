import * as z from 'zod/mini';
import { ChatErrorCategorySchema } from '../chat-api/errors';
import { ScopesSchema } from '../mute/scopes';
import { MuteStateSchema } from '../mute/state';
import { EnvironmentSchema } from '../vault/profile';

/** The longest page URL an entry keeps. */
export const MAX_PAGE_URL = 2048;

/** Where an action came from. */
export const SourceSchema = z.enum(['popup', 'bulk', 'menu', 'page', 'shortcut']);
export type Source = z.infer<typeof SourceSchema>;

export const ActionSchema = z.enum(['mute', 'unmute', 'undo']);
export type Action = z.infer<typeof ActionSchema>;

/** One line of the audit log: who was muted where, how, why, from where, and what happened. */
export const AuditEntrySchema = z.strictObject({
  id: z.string().check(z.maxLength(64)),
  at: z.number(),
  profileId: z.string().check(z.maxLength(64)),
  appLabel: z.string().check(z.maxLength(60)),
  sdkAppId: z.int(),
  environment: EnvironmentSchema,
  userId: z.string().check(z.maxLength(64)),
  action: ActionSchema,
  scopes: ScopesSchema,
  /** The state before, when it was read; null when it was not. */
  previous: z.nullable(MuteStateSchema),
  /** The state the action set (or meant to set). */
  next: MuteStateSchema,
  /** Seconds applied: 0 unmutes, 4294967295 is permanent. */
  seconds: z.int(),
  reason: z.string().check(z.maxLength(200)),
  source: SourceSchema,
  /** The moderator's name as declared in Options or set by policy (not authenticated). */
  moderator: z.optional(z.string().check(z.maxLength(40))),
  /** The page an action from a page or the menu came from. */
  pageUrl: z.optional(z.string().check(z.maxLength(MAX_PAGE_URL))),
  /** `unknown`: Mute Console stopped between the call and its answer; not resolved yet. */
  outcome: z.enum(['ok', 'failed', 'unknown']),
  errorCode: z.nullable(z.int()),
  errorCategory: z.optional(ChatErrorCategorySchema),
  /** When an unknown outcome was found by reading the user's state (the outcome says which). */
  resolvedAt: z.optional(z.number()),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/**
 * The page an action came from, as the audit log keeps it: without its fragment (it may carry
 * tokens and never reached the server anyway) and cut to the longest the log stores. Done before
 * the API call, so nothing after it can fail on the URL.
 */
export function auditPageUrl(url: string): string {
  const hash = url.indexOf('#');
  return (hash === -1 ? url : url.slice(0, hash)).slice(0, MAX_PAGE_URL);
}
