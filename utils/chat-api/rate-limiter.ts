/**
 * A first-in-first-out sliding-window limiter: at most `limit` grants in any `windowMs`.
 * The Chat API allows 200 calls/s per app; granting 200 per 1050 ms leaves 50 ms for
 * network jitter, so the server never sees 201 inside one second.
 */
export interface RateLimiter {
  /** Resolves when a call may start; rejects with the signal's reason if aborted first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const CHAT_API_RATE = { limit: 200, windowMs: 1050 } as const;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs } = options;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // Grant times, oldest first; a ring would save little for 200 entries.
  const grants: number[] = [];
  let queue: Promise<void> = Promise.resolve();

  async function waitForSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = now();
      while (grants.length > 0 && (grants[0] as number) <= t - windowMs) grants.shift();
      if (grants.length < limit) {
        grants.push(t);
        return;
      }
      await sleep((grants[0] as number) + windowMs - t);
    }
  }

  return {
    acquire(signal) {
      const turn = queue.then(() => waitForSlot(signal));
      // The next caller waits for this one's turn, not for its outcome.
      queue = turn.catch(() => {});
      return turn;
    },
  };
}
