import { describe, expect, it } from 'vitest';
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
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

describe('createRateLimiter', () => {
  it('never grants more than the limit in any window, whatever the burst', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ windows: [{ limit: 200, windowMs: 1050 }], ...clock });
    const grants: number[] = [];
    await Promise.all(
      Array.from({ length: 1000 }, () => limiter.acquire().then(() => grants.push(clock.now()))),
    );
    expect(grants).toHaveLength(1000);
    expect(peakInWindow(grants, 1050)).toBe(200);
    expect(peakInWindow(grants, 1000)).toBeLessThanOrEqual(200);
    // 1000 grants need four refills of the window after the first 200.
    expect(grants.at(-1)).toBe(4 * 1050);
  });

  it('grants in arrival order', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ windows: [{ limit: 2, windowMs: 100 }], ...clock });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('lets a waiting caller give up without blocking the others', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ windows: [{ limit: 1, windowMs: 100 }], ...clock });
    await limiter.acquire();
    const controller = new AbortController();
    controller.abort(new Error('gave up'));
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('gave up');
    await limiter.acquire();
    expect(clock.now()).toBe(100);
  });
});

describe('the Chat API rate (200 per 1050 ms, paced at 5 ms)', () => {
  it('spreads a burst over the second and keeps every 1050 ms window at or under 200', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ ...CHAT_API_RATE, ...clock });
    const grants: number[] = [];
    await Promise.all(
      Array.from({ length: 1000 }, () => limiter.acquire().then(() => grants.push(clock.now()))),
    );
    // Paced: never more than the catch-up allowance (10, plus the slot due now) at one instant.
    expect(peakInWindow(grants, 1)).toBeLessThanOrEqual(11);
    expect(peakInWindow(grants, 100)).toBeLessThanOrEqual(30);
    // Capped: arrivals that differ in latency by up to 50 ms still fit 200 per second.
    expect(peakInWindow(grants, 1050)).toBeLessThanOrEqual(200);
    // Throughput: at least 0.95 × 200 per second over the run.
    expect(1000 / ((grants.at(-1) as number) / 1000)).toBeGreaterThanOrEqual(190);
  });

  it('makes up for a timer that fires late, without exceeding the cap', async () => {
    let now = 0;
    const lateSleep = async (ms: number) => {
      now += ms + 4; // every wake-up 4 ms late
    };
    const limiter = createRateLimiter({ ...CHAT_API_RATE, now: () => now, sleep: lateSleep });
    const grants: number[] = [];
    await Promise.all(
      Array.from({ length: 1000 }, () => limiter.acquire().then(() => grants.push(now))),
    );
    expect(peakInWindow(grants, 1050)).toBeLessThanOrEqual(200);
    expect(1000 / ((grants.at(-1) as number) / 1000)).toBeGreaterThanOrEqual(190);
  });
});
