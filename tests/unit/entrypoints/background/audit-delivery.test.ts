import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AuditDelivery,
  DELIVERY_ALARM,
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
  const area: KeyValueArea = {
    get: async (keys) => {
      const out: Record<string, unknown> = {};
      for (const key of [keys].flat()) if (items.has(key)) out[key] = items.get(key);
      return out;
    },
    set: async (values) => {
      if (options.failWrites?.()) throw new Error('QUOTA_BYTES quota exceeded');
      for (const [key, value] of Object.entries(values)) items.set(key, value);
    },
    remove: async (keys) => {
      for (const key of [keys].flat()) items.delete(key);
    },
    clear: async () => items.clear(),
  };
  return { area, items };
}

interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** What the destination answered. */
  status?: number;
}

/**
 * A delivery over a fake clock and a fake destination: `answer` decides each request's fate
 * (a status, or 'down' for a network failure, 'hang' for no answer).
 */
function setUp(
  options: {
    destination?: DestinationRead;
    answer?: (request: Received) => number | 'down' | 'hang';
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
      const fate = options.answer?.(request) ?? 200;
      if (fate === 'down') throw new TypeError('Failed to fetch');
      if (fate === 'hang')
        return new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener('abort', () =>
            reject(new DOMException('signal timed out', 'TimeoutError')),
          ),
        );
      received.push({ ...request, status: fate });
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
    expect(await t.delivery.state()).toMatchObject({ waiting: 0, delivered: 3, retryAt: null });
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
    t.state.destination = JSON_DESTINATION;
    const later = setUp({ area: t.area });
    later.advance(60_000);
    later.delivery.kick();
    await later.delivery.idle();
    expect(idsOf(later.received)).toEqual(['e3', 'e4', 'e5']);
  });

  it('Slack and Discord: a bulk run is one summary, its entries are not sent one by one, and pacing holds', async () => {
    const t = setUp({
      destination: { format: 'slack', url: 'https://hooks.slack.com/services/x' },
    });
    for (const id of ['b1', 'b2', 'b3'])
      await t.delivery.record(auditEntry({ id, source: 'bulk' }));
    const summary: BulkSummary = {
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
    await t.delivery.recordBulk(summary);
    // The same run summarised again (a worker that resumed the job) is not queued twice.
    await t.delivery.recordBulk(summary);
    await t.delivery.record(auditEntry({ id: 'p1' }));
    await t.delivery.idle();
    expect(t.received.map((r) => (JSON.parse(r.body) as { text: string }).text)).toEqual([
      'mod-night-1 muted 3 users for 1 day in Demo community (PROD): raid',
      'mod-night-1 muted spammer_01 for 1 hr in Demo community (PROD): spam links',
    ]);
    // Slack takes about one message a second: the second waited for it.
    expect(t.slept.some((ms) => ms > 0 && ms <= 1100)).toBe(true);
  });

  it('JSON receivers get every bulk entry, and no summary', async () => {
    const t = setUp();
    await t.delivery.record(auditEntry({ id: 'b1', source: 'bulk' }));
    await t.delivery.recordBulk({
      id: 'bulk:job-1:0',
      at: NOW,
      appLabel: 'Demo community',
      sdkAppId: 1,
      environment: 'test',
      action: 'unmute',
      seconds: 0,
      reason: '',
      done: 1,
      failed: 0,
      skipped: 0,
    });
    await t.delivery.idle();
    expect(idsOf(t.received)).toEqual(['b1']);
  });

  it('never throws at the caller when storage is full: the queue stays in memory and still goes', async () => {
    const { area } = memoryArea({ failWrites: () => true });
    const t = setUp({ area });
    await expect(t.record('e1')).resolves.toBeUndefined();
    expect(idsOf(t.received)).toEqual(['e1']);
  });

  it('starts over from an unreadable stored queue instead of failing', async () => {
    const { area, items } = memoryArea();
    items.set(OUTBOX_KEY, '{"items": "not a list"');
    const t = setUp({ area });
    await t.record('e1');
    expect(idsOf(t.received)).toEqual(['e1']);
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
