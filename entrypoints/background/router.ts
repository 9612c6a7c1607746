import { ChatApiError } from '../../utils/chat-api/errors';
import { toJsonText } from '../../utils/json-text';
import { createLogger } from '../../utils/log';
import type { AppError } from '../../utils/messages/app-error';
import {
  RequestSchema,
  type Reply,
  type RequestOf,
  type RequestType,
  type ResponseOf,
} from '../../utils/messages/protocol';
import { StoredValueUnreadable } from '../../utils/storage/validated-item';
import { VaultError } from '../../utils/vault/problems';
import {
  SENDER_POLICY,
  classifySender,
  type SenderContext,
  type SenderInfo,
  type SenderKind,
} from './sender-policy';

/** A failure a handler reports on purpose, already in the shape the caller receives. */
export class HandlerError extends Error {
  override name = 'HandlerError';
  constructor(readonly appError: AppError) {
    super(`handler error: ${appError.kind}`);
  }
}

export interface RequestContext {
  sender: SenderInfo;
  senderKind: SenderKind;
}

/** One handler per request type: leaving one out is a compile error. */
export type Handlers = {
  [K in RequestType]: (request: RequestOf<K>, context: RequestContext) => Promise<ResponseOf<K>>;
};

export interface RouterOptions {
  handlers: Handlers;
  senderContext: () => Promise<SenderContext>;
  /** Runs before every accepted request (the auto-lock check and activity mark). */
  beforeEach?: (context: RequestContext, type: RequestType) => Promise<void>;
}

const log = createLogger('router');

/**
 * The worker's message entry point. Unknown senders are dropped (undefined: no reply);
 * malformed requests get `invalid-request`; errors become plain data.
 */
export function createRouter(options: RouterOptions) {
  return async (message: unknown, sender: SenderInfo): Promise<Reply | undefined> => {
    const senderKind = classifySender(sender, await options.senderContext());
    if (senderKind === null) return undefined;
    const parsed = RequestSchema.safeParse(message);
    if (!parsed.success) return { ok: false, error: { kind: 'invalid-request' } };
    const request = parsed.data;
    if (!SENDER_POLICY[request.type].includes(senderKind)) return undefined;
    const context: RequestContext = { sender, senderKind };
    try {
      await options.beforeEach?.(context, request.type);
      const handler = options.handlers[request.type] as (
        request: Request,
        context: RequestContext,
      ) => Promise<unknown>;
      // As JSON text: the browser copies an object reply field by field on the worker's thread
      // (a 1,000-item bulk job, polled twice a second by the popup: up to 170 ms each time).
      return { ok: true, json: toJsonText((await handler(request, context)) ?? null) };
    } catch (error) {
      return { ok: false, error: toAppError(error, request.type) };
    }
  };
}

type Request = RequestOf<RequestType>;

function toAppError(error: unknown, type: RequestType): AppError {
  if (error instanceof HandlerError) return error.appError;
  if (error instanceof VaultError) {
    return error.retryAfterMs === undefined
      ? { kind: 'vault', problem: error.problem }
      : { kind: 'vault', problem: error.problem, retryAfterMs: Math.ceil(error.retryAfterMs) };
  }
  if (error instanceof ChatApiError) return { kind: 'chat-api', error: error.data };
  if (error instanceof StoredValueUnreadable) return { kind: 'stored-data-unreadable' };
  log.error(`unexpected failure handling ${type}`, error);
  return { kind: 'internal' };
}
