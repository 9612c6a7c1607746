import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AuditDelivery,
  DELIVERY_ALARM,
  OUTBOX_HEAD_KEY,
  OUTBOX_KEY,
  type DestinationRead,
} from '../../../../entrypoints/background/audit-delivery';
import type { KeyValueArea } from '../../../../entrypoints/background/vault-service';
import type { BulkSummary } from '../../../../utils/audit/outbox';
import type { Destination } from '../../../../utils/audit/destination';
import { auditEntry, NOW } from '../../utils/audit/sample-entry';

const SECRET = 'a-shared-signing-key-of-32-chars';
const JSON_DESTINATION: Destination = {
  format: 'json',
  url: 'https://logs.corp.example/audit',
  secret: SECRET,
};

/** A storage area of its own per test (a worker's timers never touch another test's queue). */
function memoryArea(options: { failWrites?: () => boolean } = {}) {
  const items = new Map<string, unknown>();
  /** Every write's keys, in order. */
  const writes: string[][] = [];
  const area: KeyValueArea = {
    get: async (keys) => {
      const out: Record<string, unknown> = {};
      for (const key of [keys].flat()) if (items.has(key)) out[key] = items.get(key);
      return out;
    },
    set: async (values) => {
      if (options.failWrites?.()) throw new Error('QUOTA_BYTES quota exceeded');
      writes.push(Object.keys(values));
      for (const [key, value] of Object.entries(values)) items.set(key, value);
    },
    remove: async (keys) => {
      for (const key of [keys].flat()) items.delete(key);
    },
    clear: async () => items.clear(),
  };
  return { area, items, writes };
}

interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** What the destination answered. */
  status?: number;
  /** The fake clock when it arrived. */
  at?: number;
}

/**
 * A delivery over a fake clock and a fake destination: `answer` decides each request's fate
 * (a status, or 'down' for a network failure, 'hang' for no answer).
 */
function setUp(
  options: {
    destination?: DestinationRead;
    answer?: (request: Received) => number | 'down' | 'hang' | Promise<number>;
    area?: KeyValueArea;
    budget?: number;
    access?: boolean;
    retryAfter?: string;
  } = {},
) {
  let clock = NOW;
  const received: Received[] = [];
  const alarms: Array<{ name: string; when: number }> = [];
  const slept: number[] = [];
  const state = {
    destination: 'destination' in options ? (options.destination ?? null) : JSON_DESTINATION,
    access: options.access ?? true,
  };
  const area = options.area ?? memoryArea().area;
  const delivery = new AuditDelivery({
    area,
    destination: async () => state.destination,
    hasHostAccess: async () => state.access,
    fetch: async (url, init) => {
      const request = {
        url: url as string,
        headers: init?.headers as Record<string, string>,
        body: init?.body as string,
      };
      const fate = await (options.answer?.(request) ?? 200);
      if (fate === 'down') throw new TypeError('Failed to fetch');
      if (fate === 'hang')
        return new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener('abort', () =>
            reject(new DOMException('signal timed out', 'TimeoutError')),
          ),
        );
      received.push({ ...request, status: fate, at: clock });
      return new Response(null, {
        status: fate,
        headers: options.retryAfter ? { 'Retry-After': options.retryAfter } : {},
      });
    },
    alarms: {
      create: (name, info) => alarms.push({ name, ...info }),
      clear: () => undefined,
    },
    now: () => clock,
    budget: options.budget ?? 5000,
    timeoutMs: 50,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
  });
  return {
    delivery,
    area,
    received,
    alarms,
    slept,
    state,
    advance: (ms: number) => {
      clock += ms;
    },
    /** Records entries the way the audit log hands them over, and waits until sending stops. */
    async record(...ids: string[]) {
      for (const id of ids) await delivery.record(auditEntry({ id, userId: `user_${id}` }));
      await delivery.idle();
    },
  };
}

const SUMMARY: BulkSummary = {
  id: 'bulk:job-1:0',
  at: NOW,
  moderator: 'mod-night-1',
  appLabel: 'Demo community',
  sdkAppId: 1,
  environment: 'production',
  action: 'mute',
  seconds: 86400,
  reason: 'raid',
  done: 3,
  failed: 0,
  skipped: 0,
};

/** The entries the destination took (2xx or 409), in the order it took them. */
const idsOf = (received: Received[]) =>
  received
    .filter((r) => r.status === 409 || (r.status !== undefined && r.status < 300))
    .map((r) => (JSON.parse(r.body) as { entry: { id: string } }).entry.id);

describe('audit delivery', () => {
  it('delivers each entry once, signed, and counts it', async () => {
    const t = setUp();
    await t.record('e1');
    expect(t.received).toHaveLength(1);
    const [request] = t.received;
    expect(request!.url).toBe('https://logs.corp.example/audit');
    const timestamp = request!.headers['Mute-Console-Timestamp'];
    const mac = createHmac('sha256', SECRET).update(`${timestamp}.${request!.body}`).digest('hex');
    expect(request!.headers['Mute-Console-Signature']).toBe(`v1=${mac}`);
    expect(await t.delivery.state()).toMatchObject({ waiting: 0, delivered: 1, lastError: null });
  });

  it('keeps everything through an outage, in order, and sends it all when the destination is back', async () => {
    let down = true;
    const t = setUp({ answer: () => (down ? 503 : 200) });
    await t.record('e1', 'e2', 'e3');
    // Only the oldest is tried while the destination is down.
    expect(t.received.map((r) => r.status)).toEqual([503]);
    const first = await t.delivery.state();
    expect(first).toMatchObject({
      waiting: 3,
      delivered: 0,
      lastError: { problem: 'http', status: 503 },
    });
    expect(first.retryAt! - first.lastError!.at).toBe(2000);
    // Tried again on the back-off: still down, the wait doubles.
    t.advance(2000);
    t.delivery.kick();
    await t.delivery.idle();
    const second = await t.delivery.state();
    expect(t.received.map((r) => r.status)).toEqual([503, 503]);
    expect(second.retryAt! - second.lastError!.at).toBe(4000);
    down = false;
    t.advance(4000);
    t.delivery.kick();
    await t.delivery.idle();
    expect(idsOf(t.received)).toEqual(['e1', 'e2', 'e3']);
    expect(await t.delivery.state()).toMatchObject({
      waiting: 0,
      delivered: 3,
      retryAt: null,
      lastError: null,
    });
  });

  it('does not send before the back-off is over, and sets an alarm for a long wait', async () => {
    const t = setUp({ answer: () => 429, retryAfter: '120' });
    await t.record('e1');
    expect(t.alarms).toEqual([{ name: DELIVERY_ALARM, when: NOW + 120_000 }]);
    t.advance(60_000);
    t.delivery.kick();
    await t.delivery.idle();
    // Only the first attempt reached the destination.
    expect(t.received).toHaveLength(1);
  });

  it('picks the queue up in a new worker (restart) and delivers it', async () => {
    const { area } = memoryArea();
    const before = setUp({ area, answer: () => 'down' });
    await before.record('e1', 'e2');
    expect((await before.delivery.state()).waiting).toBe(2);
    const after = setUp({ area });
    after.advance(10_000);
    after.delivery.kick();
    await after.delivery.idle();
    expect(idsOf(after.received)).toEqual(['e1', 'e2']);
    expect(await after.delivery.state()).toMatchObject({ waiting: 0, delivered: 2 });
  });

  it('draining rewrites only the small head record, and a restart goes on from it without re-sending', async () => {
    const { area, writes } = memoryArea();
    const before = setUp({ area, answer: () => 'down' });
    await before.record('e1', 'e2', 'e3', 'e4', 'e5', 'e6');
    let taken = 0;
    const during = setUp({ area, answer: () => (++taken <= 4 ? 200 : 'down') });
    during.advance(60_000);
    writes.length = 0;
    during.delivery.kick();
    await during.delivery.idle();
    expect(idsOf(during.received)).toEqual(['e1', 'e2', 'e3', 'e4']);
    // Four deliveries and a failure: the queue's items were not written again.
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((keys) => keys.join() === OUTBOX_HEAD_KEY)).toBe(true);

    const after = setUp({ area });
    after.advance(120_000);
    after.delivery.kick();
    await after.delivery.idle();
    expect(idsOf(after.received)).toEqual(['e5', 'e6']);
    expect(await after.delivery.state()).toMatchObject({ waiting: 0, delivered: 6 });
    // Drained: the items are stored again, empty.
    expect(writes.at(-1)).toEqual([OUTBOX_KEY, OUTBOX_HEAD_KEY]);
  });

  it('waits while the vault is locked and goes at unlock', async () => {
    const t = setUp({ destination: 'locked' });
    await t.record('e1');
    expect(t.received).toEqual([]);
    expect((await t.delivery.state()).waiting).toBe(1);
    t.state.destination = JSON_DESTINATION;
    t.delivery.kick();
    await t.delivery.idle();
    expect(idsOf(t.received)).toEqual(['e1']);
  });

  it('queues nothing without a destination', async () => {
    const t = setUp({ destination: null });
    await t.record('e1');
    expect(await t.delivery.state()).toMatchObject({ waiting: 0, delivered: 0 });
  });

  it('takes 409 from a JSON receiver as delivered: an earlier attempt landed, its answer was lost', async () => {
    const t = setUp({ answer: () => 409 });
    await t.record('e1');
    expect(await t.delivery.state()).toMatchObject({ waiting: 0, delivered: 1 });
  });

  it('sends nothing without host access, and says so', async () => {
    const t = setUp({ access: false });
    await t.record('e1');
    expect(t.received).toEqual([]);
    expect((await t.delivery.state()).lastError).toEqual({
      at: NOW,
      problem: 'no-access',
      status: null,
    });
  });

  it('counts a destination that never answers as a timeout', async () => {
    const t = setUp({ answer: () => 'hang' });
    await t.record('e1');
    expect((await t.delivery.state()).lastError).toMatchObject({ problem: 'timeout' });
  });

  it('drops the oldest past the budget, counted and dated, never silently', async () => {
    const t = setUp({ budget: 3, answer: () => 'down' });
    await t.record('e1', 'e2', 'e3', 'e4', 'e5');
    expect(await t.delivery.state()).toMatchObject({
      waiting: 3,
      dropped: 2,
      lastDroppedAt: expect.any(Number) as number,
    });
    const later = setUp({ area: t.area });
    later.advance(60_000);
    later.delivery.kick();
    await later.delivery.idle();
    expect(idsOf(later.received)).toEqual(['e3', 'e4', 'e5']);
  });

  it('Slack and Discord: a bulk run is one summary, none of its entries, one message per 1.1 s', async () => {
    const t = setUp({
      destination: { format: 'slack', url: 'https://hooks.slack.com/services/x' },
    });
    for (const id of ['b1', 'b2', 'b3'])
      await t.delivery.record(auditEntry({ id, source: 'bulk' }));
    await t.delivery.recordBulk(SUMMARY);
    // The same run summarised again (a worker that resumed the job) is not handed over twice.
    await t.delivery.recordBulk(SUMMARY);
    await t.delivery.record(auditEntry({ id: 'p1' }));
    await t.delivery.idle();
    expect(t.received.map((r) => (JSON.parse(r.body) as { text: string }).text)).toEqual([
      'mod-night-1 muted 3 users for 1 day in Demo community (PROD): raid',
      'mod-night-1 muted spammer_01 for 1 hr in Demo community (PROD): spam links',
    ]);
    expect((await t.delivery.state()).skipped).toBe(3);
    // Slack takes about one message a second: the second went 1.1 s after the first.
    expect(t.received[1]!.at! - t.received[0]!.at!).toBeGreaterThanOrEqual(1100);
  });

  it('JSON receivers get every bulk entry, and no summary', async () => {
    const t = setUp();
    await t.delivery.record(auditEntry({ id: 'b1', source: 'bulk' }));
    await t.delivery.recordBulk(SUMMARY);
    await t.delivery.idle();
    expect(idsOf(t.received)).toEqual(['b1']);
    expect((await t.delivery.state()).skipped).toBe(1);
  });

  it('a JSON backlog switched to Slack sends the single entries, not 5,000 bulk ones', async () => {
    const t = setUp({ answer: () => 'down' });
    await t.record('p1');
    for (const id of ['b1', 'b2', 'b3'])
      await t.delivery.record(auditEntry({ id, source: 'bulk' }));
    t.state.destination = { format: 'slack', url: 'https://hooks.slack.com/services/x' };
    const up = setUp({
      area: t.area,
      destination: { format: 'slack', url: 'https://hooks.slack.com/services/x' },
    });
    up.advance(60_000);
    up.delivery.kick();
    await up.delivery.idle();
    expect(up.received).toHaveLength(1);
    expect(await up.delivery.state()).toMatchObject({ waiting: 0, delivered: 1, skipped: 3 });
  });

  it('hands over after a restart what the audit log finished but the queue never got', async () => {
    const { area } = memoryArea();
    const before = setUp({ area, answer: () => 'down' });
    await before.record('e1');
    // e2 and e3 were recorded in the audit log; the worker stopped before handing them over.
    const log = [
      auditEntry({ id: 'e1', at: NOW }),
      auditEntry({ id: 'e2', at: NOW + 10 }),
      auditEntry({ id: 'e3', at: NOW + 20 }),
    ];
    const after = setUp({ area });
    after.advance(30_000);
    let askedSince = 0;
    await after.delivery.catchUp(async (since) => {
      askedSince = since;
      return log.filter((e) => e.at >= since);
    });
    // From a little before the last hand-over (entries finish out of order).
    expect(askedSince).toBe(NOW - 5000);
    await after.delivery.idle();
    expect(idsOf(after.received)).toEqual(['e1', 'e2', 'e3']);
    // Caught up once: a second catch-up hands nothing over again.
    await after.delivery.catchUp(async () => log);
    await after.delivery.idle();
    expect(after.received).toHaveLength(3);
  });

  it('catches nothing up without a destination, and never looks back more than 10 minutes', async () => {
    const none = setUp({ destination: null });
    let asked = false;
    await none.delivery.catchUp(async () => {
      asked = true;
      return [];
    });
    expect(asked).toBe(false);
    const fresh = setUp();
    let since = 0;
    await fresh.delivery.catchUp(async (s) => {
      since = s;
      return [];
    });
    expect(since).toBe(NOW - 10 * 60_000);
  });

  it('keeps the entry being sent when the budget trims the queue: counted once, delivered or dropped', async () => {
    let release: (status: number) => void = () => {};
    const first = new Promise<number>((resolve) => (release = resolve));
    const t = setUp({
      budget: 2,
      answer: (request) =>
        (JSON.parse(request.body) as { entry: { id: string } }).entry.id === 'e1' ? first : 200,
    });
    await t.delivery.record(auditEntry({ id: 'e1' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (const id of ['e2', 'e3', 'e4']) await t.delivery.record(auditEntry({ id }));
    release(200);
    await t.delivery.idle();
    expect(idsOf(t.received)).toEqual(['e1', 'e4']);
    expect(await t.delivery.state()).toMatchObject({ waiting: 0, delivered: 2, dropped: 2 });
  });

  it('sets aside an entry the destination refuses as malformed three times, counted, and sends the rest', async () => {
    const t = setUp({
      answer: (request) =>
        (JSON.parse(request.body) as { entry: { id: string } }).entry.id === 'bad' ? 422 : 200,
    });
    await t.record('bad', 'good');
    for (let i = 0; i < 3; i++) {
      t.advance(60_000);
      t.delivery.kick();
      await t.delivery.idle();
    }
    expect(idsOf(t.received)).toEqual(['good']);
    expect(t.received.filter((r) => r.status === 422)).toHaveLength(3);
    expect(await t.delivery.state()).toMatchObject({ waiting: 0, delivered: 1, dropped: 1 });
  });

  it('never throws at the caller when storage is full: the queue stays in memory and still goes', async () => {
    const { area } = memoryArea({ failWrites: () => true });
    const t = setUp({ area });
    await expect(t.record('e1')).resolves.toBeUndefined();
    expect(idsOf(t.received)).toEqual(['e1']);
  });

  it('keeps what still reads of a damaged stored queue, and counts the rest as dropped', async () => {
    const { area, items } = memoryArea();
    items.set(
      OUTBOX_KEY,
      JSON.stringify({
        items: [{ kind: 'entry', entry: auditEntry({ id: 'e0' }) }, { kind: 'x' }],
      }),
    );
    const t = setUp({ area });
    await t.record('e1');
    expect(idsOf(t.received)).toEqual(['e0', 'e1']);
    expect((await t.delivery.state()).dropped).toBe(1);
    // Not even an object: started over, and still working.
    const { area: worse, items: worseItems } = memoryArea();
    worseItems.set(OUTBOX_KEY, '{"items": "not a list"');
    const u = setUp({ area: worse });
    await u.record('e2');
    expect(idsOf(u.received)).toEqual(['e2']);
  });

  it('tries a failed read of the queue again instead of keeping the failure', async () => {
    const { area } = memoryArea();
    let failures = 1;
    const flaky: KeyValueArea = {
      ...area,
      get: async (keys) => {
        if (failures-- > 0) throw new Error('storage unavailable');
        return area.get(keys);
      },
    };
    const t = setUp({ area: flaky });
    await expect(t.delivery.record(auditEntry({ id: 'e1' }))).rejects.toThrow(
      'storage unavailable',
    );
    await t.record('e2');
    expect(idsOf(t.received)).toEqual(['e2']);
  });

  it('"Try now" starts the back-off over', async () => {
    let down = true;
    const t = setUp({ answer: () => (down ? 500 : 200) });
    await t.record('e1');
    down = false;
    await t.delivery.retryNow();
    await t.delivery.idle();
    expect(await t.delivery.state()).toMatchObject({ waiting: 0, delivered: 1 });
  });

  it('"Try now" during an attempt that then fails leaves no back-off from it', async () => {
    let release: (status: number) => void = () => {};
    const t = setUp({
      answer: () => (t.received.length === 0 ? new Promise<number>((r) => (release = r)) : 200),
    });
    await t.delivery.record(auditEntry({ id: 'e1' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await t.delivery.retryNow();
    release(503);
    await t.delivery.idle();
    // Tried again at once (only the queue's write gap between): the failure set no back-off.
    expect(t.received.map((r) => r.status)).toEqual([503, 200]);
    expect(t.received[1]!.at! - t.received[0]!.at!).toBeLessThan(2000);
    expect(await t.delivery.state()).toMatchObject({ waiting: 0, delivered: 1 });
  });

  it('sends a test at once, outside the queue, and says what came of it', async () => {
    let status = 200;
    const t = setUp({ answer: () => status });
    const ok = await t.delivery.sendTest('mod-night-1');
    expect(ok).toMatchObject({ ok: true });
    const [request] = t.received;
    expect(JSON.parse(request!.body)).toEqual({
      type: 'mute-console.test',
      version: 1,
      moderator: 'mod-night-1',
    });
    expect(request!.headers['Idempotency-Key']).toMatch(/^test:/);
    status = 403;
    expect(await t.delivery.sendTest(null)).toEqual({ ok: false, problem: 'http', status: 403 });
    expect(await t.delivery.state()).toMatchObject({ waiting: 0, delivered: 0, lastError: null });

    t.state.access = false;
    expect(await t.delivery.sendTest(null)).toEqual({ ok: false, problem: 'no-access' });
    t.state.destination = { format: 'json', url: 'https://logs.corp.example/audit' };
    expect(await t.delivery.sendTest(null)).toEqual({ ok: false, problem: 'no-key' });
    t.state.destination = null;
    expect(await t.delivery.sendTest(null)).toEqual({ ok: false, problem: 'none' });
  });

  it('forgets the queue on reset ("Forget everything")', async () => {
    const t = setUp({ answer: () => 'down' });
    await t.record('e1');
    await t.delivery.reset();
    expect(await t.delivery.state()).toMatchObject({ waiting: 0, delivered: 0 });
    expect(await t.area.get(OUTBOX_KEY)).toEqual({});
  });
});
