import * as z from 'zod/mini';
import { HostAccessSchema, type HostAccess } from './host-access';

/**
 * What went wrong with a Chat API call, as plain data (it crosses from the worker to the UI).
 * `category` decides the retry policy and the advice; the UI turns `category` and `code` into
 * words through i18n (`apiError_<category>` and `apiAdvice_<category>`).
 */
export const ChatErrorCategorySchema = z.enum([
  /** 60002/60003, 70402, 130001/130008: our request was wrong. Report, no retry. */
  'bug',
  /** 60004/60005: the admin account or UserSig was rejected. */
  'credentials',
  /** 60006: SDKAppID invalid or inactive. */
  'app-invalid',
  /** 60007, 60011, 60018, 60019: too many calls. Back off and retry. */
  'rate-limited',
  /** 60008, 130014, 70169/70202/70500: transient trouble at Tencent. Retry. */
  'server-busy',
  /** 60010, 70403: the identifier is not an App admin. */
  'not-admin',
  /** 60016/60017: app or request type disabled. */
  'app-disabled',
  /** 60020, 70398: the account itself (billing, quota). */
  'account',
  /** 60021: the caller's IP is not allowed. */
  'ip-not-allowed',
  /** 70001: the UserSig expired. Sign again once. */
  'usersig-expired',
  /** 70002/70003/70005: the UserSig was empty or malformed. */
  'usersig-malformed',
  /** 70009: wrong key, another app's key, or a legacy ECDSA app. */
  'signature-mismatch',
  /** 70013/70014: identifier or SDKAppID differ from the UserSig's. */
  'usersig-mismatch',
  /** 70016/70020: app unknown here, usually the wrong region. */
  'wrong-region',
  /** 70050: too many failed signature checks; blocked about a minute. */
  'blocked',
  /** 70107: the user does not exist. */
  'user-not-found',
  /** 130002..130005: the user ID was missing or invalid. */
  'invalid-user',
  /** Any other non-zero ErrorCode. */
  'unknown-code',
  /** DNS, connection or TLS failure: nothing reached the server. */
  'network',
  /** No answer within the client timeout. */
  'timeout',
  /** An HTTP status other than 200 (a 502 from a gateway, say). */
  'http-status',
  /** A 200 whose body was not the JSON we expect. */
  'bad-response',
  /** The caller cancelled. */
  'cancelled',
  /** The browser gives us no access to the app's host (withheld or revoked): nothing was sent. */
  'no-host-access',
]);
export type ChatErrorCategory = z.infer<typeof ChatErrorCategorySchema>;

export const ChatErrorDataSchema = z.object({
  category: ChatErrorCategorySchema,
  /** The API's ErrorCode, or the HTTP status for `http-status`; null when nothing came back. */
  code: z.nullable(z.int()),
  /** How many attempts were made, retries included. */
  attempts: z.int().check(z.minimum(0)),
  /** For `no-host-access`: the host to name, and the host patterns to ask the browser for. */
  access: z.optional(HostAccessSchema),
});
export type ChatErrorData = z.infer<typeof ChatErrorDataSchema>;

const CODE_CATEGORIES: ReadonlyArray<readonly [ChatErrorCategory, readonly number[]]> = [
  ['bug', [60002, 60003, 70402, 130001, 130008]],
  ['credentials', [60004, 60005]],
  ['app-invalid', [60006]],
  ['rate-limited', [60007, 60011, 60018, 60019]],
  ['server-busy', [60008, 130014, 70169, 70202, 70500]],
  ['not-admin', [60010, 70403]],
  ['app-disabled', [60016, 60017]],
  ['account', [60020, 70398]],
  ['ip-not-allowed', [60021]],
  ['usersig-expired', [70001]],
  ['usersig-malformed', [70002, 70003, 70005]],
  ['signature-mismatch', [70009]],
  ['usersig-mismatch', [70013, 70014]],
  ['wrong-region', [70016, 70020]],
  ['blocked', [70050]],
  ['user-not-found', [70107]],
  ['invalid-user', [130002, 130003, 130004, 130005]],
];

const CATEGORY_BY_CODE = new Map<number, ChatErrorCategory>(
  CODE_CATEGORIES.flatMap(([category, codes]) => codes.map((code) => [code, category] as const)),
);

/** The category of an API ErrorCode (chat-api.md §4). */
export function categoryOfCode(code: number): ChatErrorCategory {
  return CATEGORY_BY_CODE.get(code) ?? 'unknown-code';
}

/** Categories worth another attempt with backoff: the same request may succeed later. */
const RETRYABLE: ReadonlySet<ChatErrorCategory> = new Set([
  'rate-limited',
  'server-busy',
  'network',
  'timeout',
  'http-status',
]);

export function isRetryable(error: ChatErrorData): boolean {
  if (error.category === 'http-status') return error.code !== null && error.code >= 500;
  return RETRYABLE.has(error.category);
}

/** The failure of a call the browser gives no access to: nothing was sent. */
export function noHostAccess(access: HostAccess): ChatErrorData {
  return { category: 'no-host-access', code: null, attempts: 0, access };
}

/** A failed Chat API call. Its message names the category and code, never a URL or secret. */
export class ChatApiError extends Error {
  override name = 'ChatApiError';
  constructor(readonly data: ChatErrorData) {
    super(`Chat API call failed: ${data.category}${data.code === null ? '' : ` (${data.code})`}`);
  }
}
