import * as z from 'zod/mini';
import { mintUserSig, type UserSigFields } from '../usersig';
import type { ScopedSeconds } from '../mute/scopes';
import { endpointBaseUrls, type Endpoint } from './endpoint';
import { hostAccessFor } from './host-access';
import {
  ChatApiError,
  noHostAccess,
  categoryOfCode,
  isRetryable,
  type ChatErrorCategory,
  type ChatErrorData,
} from './errors';
import type { RateLimiter } from './rate-limiter';

/** What the client needs to act as an app's admin. Lives only in the background worker. */
export interface AppCredentials {
  sdkAppId: number;
  adminAccount: string;
  secretKey: string;
  endpoint: Endpoint;
}

/**
 * Traffic state shared by every client of one app, whichever path (popup, menu, page, bulk)
 * made it: the rate limiter and the 70050 block.
 */
export interface AppTraffic {
  limiter: RateLimiter;
  /** Epoch ms until which the app is blocked after 70050; no request is sent before then. */
  blockedUntilMs: number;
}

export interface RetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number;
  error: ChatErrorData;
  delayMs: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
}

export interface ChatClientOptions {
  traffic: AppTraffic;
  fetch?: typeof fetch;
  nowMs?: () => number;
  /** Uniform in [0, 1): backoff jitter. */
  random?: () => number;
  randomUint32?: () => number;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Lifetime of minted admin UserSigs; short, since they are bearer tokens. */
  userSigLifetimeSeconds?: number;
  /**
   * Whether the browser lets us reach these host patterns. Checked before every call: without
   * access a fetch fails like a network outage, and the operator must be told which host.
   */
  hasHostAccess?: (origins: string[]) => Promise<boolean>;
}

/** The commands this product calls, as `service/command`. */
export type ChatCommand =
  'openconfigsvr/setnospeaking' | 'openconfigsvr/getnospeaking' | 'im_open_login_svc/account_check';

const BaseResponseSchema = z.object({
  ErrorCode: z.int(),
  ErrorInfo: z.optional(z.string()),
  ActionStatus: z.optional(z.string()),
});

const NoSpeakingSeconds = z.int().check(z.minimum(0), z.maximum(4294967295));

const NoSpeakingResponseSchema = z.object({
  C2CmsgNospeakingTime: NoSpeakingSeconds,
  GroupmsgNospeakingTime: NoSpeakingSeconds,
});

const AccountCheckResponseSchema = z.object({
  ResultItem: z.array(
    z.object({
      UserID: z.string(),
      ResultCode: z.int(),
      AccountStatus: z.optional(z.string()),
    }),
  ),
});

/** Seconds of mute left per scope: 0 none, 4294967295 permanent, else remaining seconds. */
export interface NoSpeakingState {
  c2c: number;
  group: number;
}

export interface AccountStatus {
  userId: string;
  exists: boolean;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_USERSIG_LIFETIME = 3600;
/** Mint a new UserSig when the cached one has less than this left. */
const USERSIG_REFRESH_MARGIN = 300;
/** After the primary host failed at the network level, keep using the backup this long. */
const BACKUP_STICKY_MS = 10 * 60_000;
const BLOCK_MS = 60_000;

type Attempt = { ok: true; payload: Record<string, unknown> } | { ok: false; error: ChatErrorData };

/**
 * A client for one app's admin REST API: signing, the retry policy of security.md, host
 * failover, deduplication of identical in-flight requests. Errors are {@link ChatApiError}s.
 */
export class ChatClient {
  private readonly fetch: typeof fetch;
  private readonly nowMs: () => number;
  private readonly random: () => number;
  private readonly randomUint32: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly lifetime: number;
  private readonly baseUrls: string[];
  private userSig: Promise<{ value: string; fields: UserSigFields }> | null = null;
  /** Host of the last request sent, for diagnostics ("reached adminapisgp…"). */
  lastHost: string | null = null;
  private preferBackupUntilMs = 0;
  private readonly inFlight = new Map<string, Promise<Record<string, unknown>>>();

  constructor(
    private readonly credentials: AppCredentials,
    private readonly options: ChatClientOptions,
  ) {
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.nowMs = options.nowMs ?? Date.now;
    this.random = options.random ?? Math.random;
    this.randomUint32 =
      options.randomUint32 ?? (() => crypto.getRandomValues(new Uint32Array(1))[0] ?? 0);
    this.sleep = options.sleep ?? abortableSleep;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.lifetime = options.userSigLifetimeSeconds ?? DEFAULT_USERSIG_LIFETIME;
    this.baseUrls = endpointBaseUrls(credentials.endpoint);
  }

  /** Sets (or with 0 lifts) the global mute of one user, for the scopes given. */
  async setNoSpeaking(
    userId: string,
    seconds: ScopedSeconds,
    options?: CallOptions,
  ): Promise<void> {
    await this.call(
      'openconfigsvr/setnospeaking',
      {
        Set_Account: userId,
        ...(seconds.c2c === undefined ? {} : { C2CmsgNospeakingTime: seconds.c2c }),
        ...(seconds.group === undefined ? {} : { GroupmsgNospeakingTime: seconds.group }),
      },
      options,
    );
  }

  /** Reads a user's global mute, per scope. */
  async getNoSpeaking(userId: string, options?: CallOptions): Promise<NoSpeakingState> {
    const payload = await this.call(
      'openconfigsvr/getnospeaking',
      { Get_Account: userId },
      options,
    );
    const parsed = parseOr(NoSpeakingResponseSchema, payload);
    return { c2c: parsed.C2CmsgNospeakingTime, group: parsed.GroupmsgNospeakingTime };
  }

  /** Whether accounts exist (at most 100 per call). */
  async accountCheck(userIds: string[], options?: CallOptions): Promise<AccountStatus[]> {
    const payload = await this.call(
      'im_open_login_svc/account_check',
      { CheckItem: userIds.map((UserID) => ({ UserID })) },
      options,
    );
    return parseOr(AccountCheckResponseSchema, payload).ResultItem.map((item) => ({
      userId: item.UserID,
      exists: item.ResultCode === 0 && item.AccountStatus === 'Imported',
    }));
  }

  /** Throws a `no-host-access` error, naming the host, when the browser withholds access. */
  async requireHostAccess(): Promise<void> {
    const access = hostAccessFor(this.credentials.endpoint);
    if (this.options.hasHostAccess && !(await this.options.hasHostAccess(access.origins))) {
      throw new ChatApiError(noHostAccess(access));
    }
  }

  /** The fields of the UserSig this client signs with (never the UserSig itself). */
  async userSigFields(): Promise<UserSigFields> {
    return (await this.currentUserSig()).fields;
  }

  /**
   * One API call with the full policy. Identical requests already in flight share one
   * network request; each caller can still cancel its own wait.
   */
  async call(
    command: ChatCommand,
    body: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const key = `${command} ${JSON.stringify(body)}`;
    let shared = this.inFlight.get(key);
    if (!shared) {
      shared = this.callWithRetries(command, body, options.onRetry).finally(() => {
        this.inFlight.delete(key);
      });
      this.inFlight.set(key, shared);
    }
    return raceAbort(shared, options.signal);
  }

  private async callWithRetries(
    command: ChatCommand,
    body: Record<string, unknown>,
    onRetry?: (info: RetryInfo) => void,
  ): Promise<Record<string, unknown>> {
    const traffic = this.options.traffic;
    await this.requireHostAccess();
    let resigned = false;
    for (let attempt = 1; ; attempt++) {
      if (this.nowMs() < traffic.blockedUntilMs) {
        throw new ChatApiError({ category: 'blocked', code: 70050, attempts: attempt - 1 });
      }
      const finished = await traffic.limiter.acquire();
      const useBackup = this.baseUrls.length > 1 && this.nowMs() < this.preferBackupUntilMs;
      const result = await this.attempt(
        this.baseUrls[useBackup ? 1 : 0] as string,
        command,
        body,
      ).finally(finished);
      if (result.ok) return result.payload;
      const error: ChatErrorData = { ...result.error, attempts: attempt };

      if (error.category === 'blocked') traffic.blockedUntilMs = this.nowMs() + BLOCK_MS;
      let delayMs: number;
      if (error.category === 'usersig-expired' && !resigned) {
        resigned = true;
        this.userSig = null;
        delayMs = 0;
      } else if (error.category === 'network' && !useBackup && this.baseUrls.length > 1) {
        // The primary could not be reached: DNS or connection trouble is what the backup is for.
        this.preferBackupUntilMs = this.nowMs() + BACKUP_STICKY_MS;
        delayMs = 0;
      } else if (isRetryable(error)) {
        delayMs = this.backoff(attempt, error.category);
      } else {
        throw new ChatApiError(error);
      }
      if (attempt >= this.maxAttempts) throw new ChatApiError(error);
      onRetry?.({ attempt, error, delayMs });
      if (delayMs > 0) await this.sleep(delayMs);
    }
  }

  /** Capped, jittered exponential backoff; rate limits start slower than transient errors. */
  private backoff(attempt: number, category: ChatErrorCategory): number {
    const base = category === 'rate-limited' ? 1000 : 300;
    const capped = Math.min(4000, base * 2 ** (attempt - 1));
    return Math.round(capped * (0.5 + this.random() / 2));
  }

  private async attempt(
    baseUrl: string,
    command: ChatCommand,
    body: Record<string, unknown>,
  ): Promise<Attempt> {
    const { value: userSig } = await this.currentUserSig();
    const query = new URLSearchParams({
      sdkappid: String(this.credentials.sdkAppId),
      identifier: this.credentials.adminAccount,
      usersig: userSig,
      random: String(this.randomUint32() >>> 0),
      contenttype: 'json',
    });
    this.lastHost = new URL(baseUrl).host;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
    let text: string;
    let status: number;
    try {
      const response = await this.fetch(`${baseUrl}/v4/${command}?${query.toString()}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: timeout.signal,
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
      });
      status = response.status;
      text = await response.text();
    } catch {
      return fail(timeout.signal.aborted ? 'timeout' : 'network', null);
    } finally {
      clearTimeout(timer);
    }
    if (status !== 200) return fail('http-status', status);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail('bad-response', null);
    }
    const base = BaseResponseSchema.safeParse(json);
    if (!base.success) return fail('bad-response', null);
    if (base.data.ErrorCode !== 0) {
      return fail(categoryOfCode(base.data.ErrorCode), base.data.ErrorCode);
    }
    return { ok: true, payload: json as Record<string, unknown> };
  }

  private currentUserSig(): Promise<{ value: string; fields: UserSigFields }> {
    const nowSec = Math.floor(this.nowMs() / 1000);
    const cached = this.userSig;
    if (cached) {
      return cached.then((sig) =>
        sig.fields.time + sig.fields.expire - nowSec > USERSIG_REFRESH_MARGIN
          ? sig
          : this.mintUserSig(nowSec),
      );
    }
    return this.mintUserSig(nowSec);
  }

  private mintUserSig(nowSec: number): Promise<{ value: string; fields: UserSigFields }> {
    const fields: UserSigFields = {
      sdkAppId: this.credentials.sdkAppId,
      identifier: this.credentials.adminAccount,
      time: nowSec,
      expire: this.lifetime,
    };
    const minted = mintUserSig({ ...fields, secretKey: this.credentials.secretKey }).then(
      (value) => ({ value, fields }),
    );
    this.userSig = minted;
    return minted;
  }
}

function fail(category: ChatErrorCategory, code: number | null): Attempt {
  return { ok: false, error: { category, code, attempts: 0 } };
}

function parseOr<T>(schema: z.ZodMiniType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success)
    throw new ChatApiError({ category: 'bad-response', code: null, attempts: 1 });
  return parsed.data;
}

function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function cancelled(): ChatApiError {
  return new ChatApiError({ category: 'cancelled', code: null, attempts: 0 });
}

function abortableSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
