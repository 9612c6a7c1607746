import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHAT_API_RATE, createRateLimiter } from '../../../../utils/chat-api/rate-limiter';

/** A clock that only moves when the limiter sleeps, so the test is exact and instant. */
function virtualClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

function peakInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

/** Calls that finish the moment they are granted: the window then counts grants. */
async function grantTimes(
  limiter: ReturnType<typeof createRateLimiter>,
  count: number,
  now: () => number,
): Promise<number[]> {
  const grants: number[] = [];
  await Promise.all(
    Array.from({ length: count }, () =>
      limiter.acquire().then((finished) => {
        grants.push(now());
        finished();
      }),
    ),
  );
  return grants;
}

describe('createRateLimiter', () => {
  it('never grants more than the limit in any window, whatever the burst', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ windows: [{ limit: 200, windowMs: 1000 }], ...clock });
    const grants = await grantTimes(limiter, 1000, clock.now);
    expect(grants).toHaveLength(1000);
    expect(peakInWindow(grants, 1000)).toBe(200);
    // 1000 grants need four refills of the window after the first 200.
    expect(grants.at(-1)).toBe(4 * 1000);
  });

  it('grants in arrival order', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ windows: [{ limit: 2, windowMs: 100 }], ...clock });
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        limiter.acquire().then((finished) => {
          order.push(i);
          finished();
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('lets a waiting caller give up without blocking the others', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ windows: [{ limit: 1, windowMs: 100 }], ...clock });
    (await limiter.acquire())();
    const controller = new AbortController();
    controller.abort(new Error('gave up'));
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('gave up');
    await limiter.acquire();
    expect(clock.now()).toBe(100);
  });

  it('keeps a call in the window until a whole window after it finished', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ windows: [{ limit: 2, windowMs: 100 }], ...clock });
    const slow = await limiter.acquire(); // still in flight
    (await limiter.acquire())(); // finished at 0
    await limiter.acquire(); // the finished call's place frees at 100
    expect(clock.now()).toBe(100);
    let fourth = false;
    const waiting = limiter.acquire().then(() => (fourth = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(fourth).toBe(false); // both places held by calls in flight, however long
    await clock.sleep(30);
    slow(); // finishes at 130: its place frees at 230
    await waiting;
    expect(clock.now()).toBe(230);
  });
});

describe('the Chat API rate (200 per second, counted until a call finished; paced at 5 ms)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * 1,000 calls through the real timers (faked): each reaches the server some time after its
   * grant and finishes some time after that. Returns when the server saw each one, and when the
   * last was granted.
   */
  async function simulate(latency: () => { toServer: number; back: number }) {
    vi.useFakeTimers();
    const limiter = createRateLimiter({ ...CHAT_API_RATE, now: () => Date.now() });
    const start = Date.now();
    const arrivals: number[] = [];
    let lastGrant = 0;
    const calls = Array.from({ length: 1000 }, async () => {
      const finished = await limiter.acquire();
      lastGrant = Date.now() - start;
      const { toServer, back } = latency();
      await new Promise((r) => setTimeout(r, toServer));
      arrivals.push(Date.now());
      await new Promise((r) => setTimeout(r, back));
      finished();
    });
    await vi.runAllTimersAsync();
    await Promise.all(calls);
    return { arrivals, lastGrant };
  }

  it('never lets the server see more than 200 in a second, however the network bunches calls', async () => {
    // The worst case for a limiter that counts grants: the first second's calls held up 300 ms
    // on the way, the next second's not, so they arrive together.
    let i = 0;
    const { arrivals } = await simulate(() => {
      i++;
      return { toServer: i <= 200 ? 300 : 0, back: i % 5 === 0 ? 120 : 2 };
    });
    expect(arrivals).toHaveLength(1000);
    expect(peakInWindow(arrivals, 1000)).toBeLessThanOrEqual(200);
  });

  it('keeps throughput at 0.95 × 200/s or more when round trips are short', async () => {
    const { arrivals, lastGrant } = await simulate(() => ({ toServer: 5, back: 5 }));
    expect(peakInWindow(arrivals, 1000)).toBeLessThanOrEqual(200);
    expect(999 / (lastGrant / 1000)).toBeGreaterThanOrEqual(190);
  });

  it('spreads a burst over the second rather than sending it at once', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ...CHAT_API_RATE, ...clock });
    const grants = await grantTimes(limiter, 1000, clock.now);
    // Paced: never more than the catch-up allowance (10, plus the slot due now) at one instant.
    expect(peakInWindow(grants, 1)).toBeLessThanOrEqual(11);
    expect(peakInWindow(grants, 100)).toBeLessThanOrEqual(30);
    expect(peakInWindow(grants, 1000)).toBeLessThanOrEqual(200);
  });

  it('makes up for a timer that fires late, without exceeding the cap', async () => {
    let now = 0;
    const lateSleep = async (ms: number) => {
      now += ms + 4; // every wake-up 4 ms late
    };
    const limiter = createRateLimiter({ ...CHAT_API_RATE, now: () => now, sleep: lateSleep });
    const grants = await grantTimes(limiter, 1000, () => now);
    expect(peakInWindow(grants, 1000)).toBeLessThanOrEqual(200);
    expect(999 / ((grants.at(-1) as number) / 1000)).toBeGreaterThanOrEqual(190);
  });
});
