import type { AuditEntry } from '../../utils/audit/entry';
import {
  PACE_MS,
  deliveredAlone,
  deliveryRequest,
  readAnswer,
  retryDelayMs,
  type Deliverable,
} from '../../utils/audit/delivery';
import {
  EMPTY_OUTBOX,
  OutboxSchema,
  itemId,
  type BulkSummary,
  type DeliveryError,
  type DeliveryState,
  type DeliveryTestResult,
  type Outbox,
  type OutboxItem,
} from '../../utils/audit/outbox';
import { parseDestinationUrl, type Destination } from '../../utils/audit/destination';
import { fromJsonText, toJsonText } from '../../utils/json-text';
import { createLogger } from '../../utils/log';
import { STORED } from '../../utils/storage/keys';
import type { KeyValueArea } from './vault-service';

const log = createLogger('delivery');

export const OUTBOX_KEY = STORED.auditOutbox.key;
export const DELIVERY_ALARM = 'audit-delivery';
/** The most entries kept waiting: a full bulk run of 5,000 fits. */
export const OUTBOX_BUDGET = 5000;
/** Writes of the queue are grouped: at most one this often (a killed worker re-sends these few). */
const WRITE_GAP_MS = 250;
/** A destination that has not answered by then is counted as down. */
const TIMEOUT_MS = 10_000;
/** Waits longer than this are carried by an alarm too: the worker may stop meanwhile. */
const ALARM_AFTER_MS = 20_000;

/** Where the destination comes from: the vault (locked: not known) and the policy. */
export type DestinationRead = Destination | null | 'locked';

export interface AuditDeliveryDeps {
  area: KeyValueArea;
  destination: () => Promise<DestinationRead>;
  hasHostAccess: (origins: string[]) => Promise<boolean>;
  fetch: typeof fetch;
  alarms: {
    create(name: string, info: { when: number }): unknown;
    clear(name: string): unknown;
  };
  now: () => number;
  budget?: number;
  timeoutMs?: number;
  /** Waits for the pace and the write gap (tests pass one that records and returns at once). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Audit delivery: every finished audit entry (or, for Slack and Discord, every bulk run's
 * summary) goes into a queue in storage.local and is sent, oldest first, to the team's
 * destination. Never blocks an action (callers do not wait), never drops silently (only past
 * the budget, oldest first and counted), retried with back-off across worker and browser
 * restarts; while the vault is locked the destination is unknown and the queue waits for unlock.
 */
export class AuditDelivery {
  private outbox: Outbox | null = null;
  private loading: Promise<Outbox> | null = null;
  private draining: Promise<void> | null = null;
  /** Kicked while draining: look at the queue again once the drain stops. */
  private again = false;
  private pendingWrite: Promise<void> | null = null;
  /** Changed since the write under way took its copy. */
  private dirty = false;
  private lastWriteAt = 0;
  private lastSentAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly budget: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: AuditDeliveryDeps) {
    this.budget = deps.budget ?? OUTBOX_BUDGET;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** A finished audit entry: queued when the destination takes it alone (not awaited by actions). */
  async record(entry: AuditEntry): Promise<void> {
    const destination = await this.deps.destination();
    if (destination === null) return;
    // Locked (an outcome settled at start-up): the format is not known yet, so it waits.
    if (destination !== 'locked' && !deliveredAlone(destination.format, entry)) return;
    await this.enqueue({ kind: 'entry', entry });
  }

  /** A bulk run ended: one message for chat formats (JSON receivers have every entry). */
  async recordBulk(summary: BulkSummary): Promise<void> {
    const destination = await this.deps.destination();
    if (destination === null || destination === 'locked' || destination.format === 'json') return;
    await this.enqueue({ kind: 'summary', summary });
  }

  async state(): Promise<DeliveryState> {
    const box = await this.load();
    return {
      waiting: box.items.length,
      delivered: box.delivered,
      dropped: box.dropped,
      lastDroppedAt: box.lastDroppedAt,
      lastError: box.lastError,
      retryAt: box.retryAt,
      lastDeliveredAt: box.lastDeliveredAt,
    };
  }

  /** Called when the state changes (Options shows it live). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** The operator's "Try now", or a new destination: the back-off starts over. */
  async retryNow(): Promise<void> {
    const box = await this.load();
    box.retryAt = null;
    box.failures = 0;
    await this.write();
    this.kick();
  }

  /**
   * Options' "Send a test": one message to the destination in force, now, outside the queue;
   * what came of it (the destination's status, or why nothing reached it).
   */
  async sendTest(moderator: string | null): Promise<DeliveryTestResult> {
    const destination = await this.deps.destination();
    if (destination === null || destination === 'locked') return { ok: false, problem: 'none' };
    const target = parseDestinationUrl(destination.url);
    if (!target.ok) return { ok: false, problem: 'none' };
    if (destination.format === 'json' && destination.secret === undefined)
      return { ok: false, problem: 'no-key' };
    if (!(await this.deps.hasHostAccess([target.origin])))
      return { ok: false, problem: 'no-access' };
    const started = this.deps.now();
    const test: Deliverable = { kind: 'test', id: `test:${crypto.randomUUID()}`, moderator };
    const answer = await this.send(target.url, destination, test, 0);
    return answer.kind === 'delivered'
      ? { ok: true, ms: this.deps.now() - started }
      : { ok: false, problem: answer.error.problem, status: answer.error.status };
  }

  /**
   * Starts sending (after start-up, unlock, an alarm, host access, a new entry). A kick while a
   * drain runs makes it look again when it is done, so one that came as it was stopping (queue
   * just found empty) is not lost.
   */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        await this.drain();
      } while (this.again);
    })()
      .catch((error: unknown) => log.error('delivery stopped', error))
      .finally(() => {
        this.draining = null;
      });
  }

  /** Resolves when the sending under way stops (queue empty, waiting, or locked). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
    while (this.pendingWrite) await this.pendingWrite;
  }

  /** After "Forget everything": nothing kept, nothing sent. */
  async reset(): Promise<void> {
    this.outbox = { ...EMPTY_OUTBOX, items: [] };
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.deps.alarms.clear(DELIVERY_ALARM);
    await this.idle();
    await this.deps.area.remove(OUTBOX_KEY);
  }

  private async enqueue(item: OutboxItem): Promise<void> {
    const box = await this.load();
    const id = itemId(item);
    if (box.items.some((queued) => itemId(queued) === id)) return;
    box.items.push(item);
    const over = box.items.length - this.budget;
    if (over > 0) {
      box.items.splice(0, over);
      box.dropped += over;
      box.lastDroppedAt = this.deps.now();
      log.warn(`delivery queue full: ${over} oldest entries dropped`);
    }
    await this.write();
    this.kick();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const box = await this.load();
      const head = box.items[0];
      if (!head) return;
      const now = this.deps.now();
      if (box.retryAt !== null && box.retryAt > now) return this.wakeAt(box.retryAt);
      const destination = await this.deps.destination();
      // Locked: the queue waits for unlock. Removed: it waits for a destination.
      if (destination === null || destination === 'locked') return;
      const target = parseDestinationUrl(destination.url);
      // JSON without its signing key (a policy's destination, key not entered yet): waits.
      if (!target.ok || (destination.format === 'json' && destination.secret === undefined)) return;
      const paceUntil = this.lastSentAt + PACE_MS[destination.format];
      if (paceUntil > now) {
        await this.sleep(paceUntil - now);
        continue;
      }
      let error: DeliveryError | null = null;
      let retryAt = 0;
      if (!(await this.deps.hasHostAccess([target.origin]))) {
        error = { at: now, problem: 'no-access', status: null };
        retryAt = now + retryDelayMs(box.failures + 1);
      } else {
        this.lastSentAt = now;
        const answer = await this.send(target.url, destination, head, box.failures);
        if (answer.kind === 'failed') ({ error, retryAt } = answer);
      }
      const at = box.items.indexOf(head);
      if (error === null) {
        // Dropped past the budget meanwhile: already counted.
        if (at !== -1) box.items.splice(at, 1);
        Object.assign(box, {
          delivered: box.delivered + 1,
          failures: 0,
          retryAt: null,
          lastDeliveredAt: this.deps.now(),
        });
        void this.write();
      } else {
        Object.assign(box, { failures: box.failures + 1, retryAt, lastError: error });
        log.warn(
          `delivery failed (${error.problem}${error.status === null ? '' : ` ${error.status}`}); ${box.items.length} waiting`,
        );
        await this.write();
      }
    }
  }

  private async send(
    url: string,
    destination: Destination,
    item: Deliverable,
    failures: number,
  ): Promise<{ kind: 'delivered' } | { kind: 'failed'; error: DeliveryError; retryAt: number }> {
    const request = deliveryRequest(destination, item, this.deps.now());
    try {
      const response = await this.deps.fetch(url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        credentials: 'omit',
        redirect: 'error',
        cache: 'no-store',
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? TIMEOUT_MS),
      });
      // The body is not needed; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      return readAnswer(
        destination.format,
        response.status,
        response.headers.get('Retry-After'),
        failures,
        this.deps.now(),
      );
    } catch (error) {
      const now = this.deps.now();
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      return {
        kind: 'failed',
        error: { at: now, problem: timedOut ? 'timeout' : 'network', status: null },
        retryAt: now + retryDelayMs(failures + 1),
      };
    }
  }

  /** Sends again at `when`: a timer while the worker lives, an alarm in case it does not. */
  private wakeAt(when: number): void {
    const delay = Math.max(0, when - this.deps.now());
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, delay);
    if (delay > ALARM_AFTER_MS) void this.deps.alarms.create(DELIVERY_ALARM, { when });
  }

  private load(): Promise<Outbox> {
    if (this.outbox) return Promise.resolve(this.outbox);
    this.loading ??= (async () => {
      const stored = (await this.deps.area.get(OUTBOX_KEY))[OUTBOX_KEY];
      const parsed = OutboxSchema.safeParse(fromJsonText(stored));
      if (stored !== undefined && !parsed.success)
        log.warn('delivery queue unreadable: started over');
      this.outbox ??= parsed.success ? parsed.data : { ...EMPTY_OUTBOX, items: [] };
      this.loading = null;
      return this.outbox;
    })();
    return this.loading;
  }

  /**
   * Writes the queue; whatever changes while a write runs goes in the next one, at most one
   * write per WRITE_GAP_MS. Resolves once a write that holds the caller's change has run. A
   * failed write (storage full) is logged: the queue stays in memory and goes with the next one.
   */
  private write(): Promise<void> {
    for (const listener of this.listeners) listener();
    this.dirty = true;
    return (this.pendingWrite ??= this.flush());
  }

  private async flush(): Promise<void> {
    for (;;) {
      const gap = this.lastWriteAt + WRITE_GAP_MS - this.deps.now();
      if (gap > 0) await this.sleep(gap);
      this.dirty = false;
      this.lastWriteAt = this.deps.now();
      await this.deps.area
        .set({ [OUTBOX_KEY]: toJsonText(this.outbox ?? EMPTY_OUTBOX) })
        .catch((error: unknown) => log.error('could not write the delivery queue', error));
      // Cleared only here, after an await: a change made during the write is in `dirty`.
      if (!this.dirty) {
        this.pendingWrite = null;
        return;
      }
    }
  }
}
