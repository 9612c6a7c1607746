/**
 * A first-in-first-out rate limiter: at most `limit` calls in any `windowMs` for each window,
 * optionally paced so grants are spread out rather than sent in bursts.
 *
 * A call holds its place in a window from its grant until `windowMs` after it finished (its
 * response or failure came back). The server saw the call somewhere between those two moments,
 * so however the network delays or bunches calls, the server never sees more than `limit` in
 * any `windowMs`: the Chat API's 200 calls/s hold without a guessed jitter margin, and the cost
 * is only each call's round trip. Pacing at one grant per 5 ms spreads the calls over the
 * second; the pace runs on a schedule of its own, so a timer that fires late is made up for (at
 * most `maxBurst` grants at once) and throughput does not drift below the cap.
 */
export interface RateLimiter {
  /**
   * Resolves when a call may start, with the function to call once it has finished; rejects
   * with the signal's reason if aborted first.
   */
  acquire(signal?: AbortSignal): Promise<() => void>;
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
  windows: [{ limit: 200, windowMs: 1000 }],
  pace: { intervalMs: 5, maxBurst: 10 },
};

/** A granted call: in flight until `finishedAt` is set. */
interface Grant {
  finishedAt: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const windows = options.windows.map((w) => ({ ...w, grants: [] as Grant[] }));
  const pace = options.pace;
  let nextSlot = -Infinity;
  let queue: Promise<void> = Promise.resolve();
  // Wakes a caller that waits for calls in flight to finish.
  let finished: () => void = () => {};

  /** How long until `w` has room: 0 now, Infinity until a call in flight finishes. */
  function windowWait(w: { limit: number; windowMs: number; grants: Grant[] }, t: number): number {
    w.grants = w.grants.filter((g) => g.finishedAt > t - w.windowMs);
    const excess = w.grants.length - w.limit + 1;
    if (excess <= 0) return 0;
    const ends = w.grants
      .map((g) => g.finishedAt)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const freeing = ends[excess - 1];
    return freeing === undefined ? Infinity : freeing + w.windowMs - t;
  }

  async function waitForSlot(signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = now();
      let wait = 0;
      let slot = t;
      if (pace) {
        slot = Math.max(nextSlot, t - pace.intervalMs * pace.maxBurst);
        wait = Math.max(0, slot - t);
      }
      for (const w of windows) wait = Math.max(wait, windowWait(w, t));
      if (wait === 0) {
        const grant: Grant = { finishedAt: Infinity };
        for (const w of windows) w.grants.push(grant);
        if (pace) nextSlot = slot + pace.intervalMs;
        return () => {
          if (grant.finishedAt !== Infinity) return;
          grant.finishedAt = now();
          finished();
        };
      }
      const callFinished = new Promise<void>((resolve) => (finished = resolve));
      await (wait === Infinity ? callFinished : Promise.race([sleep(wait), callFinished]));
    }
  }

  return {
    acquire(signal) {
      const turn = queue.then(() => waitForSlot(signal));
      // The next caller waits for this one's turn, not for its outcome.
      queue = turn.then(
        () => {},
        () => {},
      );
      return turn;
    },
  };
}
