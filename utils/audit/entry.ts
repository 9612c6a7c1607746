import * as z from 'zod/mini';
import { ChatErrorCategorySchema } from '../chat-api/errors';
import { ScopesSchema } from '../mute/scopes';
import { MuteStateSchema } from '../mute/state';
import { EnvironmentSchema } from '../vault/profile';

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
  /** The page an action from a page or the menu came from. */
  pageUrl: z.optional(z.string().check(z.maxLength(2048))),
  outcome: z.enum(['ok', 'failed']),
  errorCode: z.nullable(z.int()),
  errorCategory: z.optional(ChatErrorCategorySchema),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
