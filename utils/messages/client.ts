import { browser } from '#imports';
import { AppErrorSchema, RequestFailed } from './app-error';
import {
  ReplySchema,
  ResponseSchemas,
  type RequestOf,
  type RequestType,
  type ResponseOf,
} from './protocol';

/**
 * Sends a request to the background worker and returns its validated answer. Failures throw
 * {@link RequestFailed} carrying the worker's error as data.
 */
export async function sendRequest<T extends RequestType>(
  request: RequestOf<T>,
): Promise<ResponseOf<T>> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(request);
  } catch {
    throw new RequestFailed({ kind: 'internal' });
  }
  const reply = ReplySchema.safeParse(raw);
  if (!reply.success) throw new RequestFailed({ kind: 'internal' });
  if (!reply.data.ok) throw new RequestFailed(AppErrorSchema.parse(reply.data.error));
  let answer: unknown;
  try {
    answer = JSON.parse(reply.data.json) as unknown;
  } catch {
    throw new RequestFailed({ kind: 'internal' });
  }
  const data = ResponseSchemas[request.type].safeParse(answer);
  if (!data.success) throw new RequestFailed({ kind: 'internal' });
  return data.data as ResponseOf<T>;
}
