/**
 * A first-in-first-out sliding-window limiter: at most `limit` grants in any `windowMs`, for
 * every window given at once.
 *
 * The Chat API allows 200 calls/s per app. Granting 200 per 1025 ms leaves 25 ms for network
 * jitter, so the server never sees 201 inside one second; a second window of 20 per 100 ms
 * spreads those 200 over the second instead of sending them in one burst, which would queue in
 * the browser's connection pool and arrive compressed.
 */
export interface RateLimiter {
  /** Resolves when a call may start; rejects with the signal's reason if aborted first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface RateLimiterOptions {
  windows: readonly RateWindow[];
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const CHAT_API_RATE: readonly RateWindow[] = [
  { limit: 200, windowMs: 1025 },
  { limit: 20, windowMs: 100 },
];

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const windows = options.windows.map((w) => ({ ...w, grants: [] as number[] }));
  let queue: Promise<void> = Promise.resolve();

  async function waitForSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = now();
      let wait = 0;
      for (const w of windows) {
        while (w.grants.length > 0 && (w.grants[0] as number) <= t - w.windowMs) w.grants.shift();
        if (w.grants.length >= w.limit)
          wait = Math.max(wait, (w.grants[0] as number) + w.windowMs - t);
      }
      if (wait === 0) {
        for (const w of windows) w.grants.push(t);
        return;
      }
      await sleep(wait);
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
