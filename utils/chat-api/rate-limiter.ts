/**
 * A first-in-first-out rate limiter: at most `limit` grants in any `windowMs` for each window
 * (measured on real grant times: a hard cap), optionally paced so grants are spread out rather
 * than sent in bursts.
 *
 * The Chat API allows 200 calls/s per app. Granting 200 per 1050 ms leaves 50 ms for network
 * jitter, so the server never sees 201 inside one second. Pacing at one grant per 5 ms spreads
 * those calls over the second: a burst would arrive compressed. The pace runs on a schedule of
 * its own, so a timer that fires late is made up for (at most `maxBurst` grants at once) and
 * throughput does not drift below the cap.
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
  pace?: { intervalMs: number; maxBurst: number };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const CHAT_API_RATE: Pick<RateLimiterOptions, 'windows' | 'pace'> = {
  windows: [{ limit: 200, windowMs: 1050 }],
  pace: { intervalMs: 5, maxBurst: 10 },
};

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const windows = options.windows.map((w) => ({ ...w, grants: [] as number[] }));
  const pace = options.pace;
  let nextSlot = -Infinity;
  let queue: Promise<void> = Promise.resolve();

  async function waitForSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = now();
      let wait = 0;
      let slot = t;
      if (pace) {
        slot = Math.max(nextSlot, t - pace.intervalMs * pace.maxBurst);
        wait = Math.max(0, slot - t);
      }
      for (const w of windows) {
        while (w.grants.length > 0 && (w.grants[0] as number) <= t - w.windowMs) w.grants.shift();
        if (w.grants.length >= w.limit)
          wait = Math.max(wait, (w.grants[0] as number) + w.windowMs - t);
      }
      if (wait === 0) {
        for (const w of windows) w.grants.push(t);
        if (pace) nextSlot = slot + pace.intervalMs;
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
