import type { AuditEntry } from '../../utils/audit/entry';
import {
  PACE_MS,
  deliveryRequest,
  fitsFormat,
  readAnswer,
  retryDelayMs,
  type Deliverable,
} from '../../utils/audit/delivery';
import {
  OutboxHeadSchema,
  OutboxSchema,
  emptyOutbox,
  outboxHead,
  itemId,
  salvageOutbox,
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
import { createRerunLoop } from '../../utils/rerun-loop';
import { STORED } from '../../utils/storage/keys';
import type { KeyValueArea } from './vault-service';

const log = createLogger('delivery');

export const OUTBOX_KEY = STORED.auditOutbox.key;
export const OUTBOX_HEAD_KEY = STORED.auditOutboxHead.key;
export const DELIVERY_ALARM = 'audit-delivery';
/** The most entries kept waiting: a full bulk run of 5,000 fits. */
const OUTBOX_BUDGET = 5000;
/** Writes of the queue are grouped: at most one this often (a killed worker re-sends these few). */
const WRITE_GAP_MS = 250;
/** The stored items are rewritten once this many are gone from their front (else the head only). */
const COMPACT_AFTER = 500;
/** A destination that has not answered by then is counted as down. */
const TIMEOUT_MS = 10_000;
/** Waits longer than this are carried by an alarm too: the worker may stop meanwhile. */
const ALARM_AFTER_MS = 20_000;
/** Entries handed over this close to the latest are remembered, to hand none over twice. */
const HANDED_MARGIN_MS = 5000;
/** How far back a catch-up after a restart looks at most. */
const CATCH_UP_LOOKBACK_MS = 10 * 60_000;
/** Statuses that say this one delivery is malformed: set aside (counted) after this many. */
const REFUSED_STATUSES = new Set([400, 413, 422]);
const REFUSED_ATTEMPTS = 3;

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
 * Audit delivery: every finished audit entry (and every bulk run's summary) goes into a queue in
 * storage.local and is sent, oldest first, to the team's destination: what does not fit its
 * format (a bulk entry for Slack or Discord, a summary for JSON) is left out, counted. Never
 * blocks an action (callers do not wait), never drops silently (past the budget, or refused as
 * malformed, it is counted and the audit log says so), retried with back-off across worker and
 * browser restarts; while the vault is locked the destination is unknown and the queue waits for
 * unlock. An entry recorded just before the worker stopped, not yet handed over, is found in the
 * audit log at the next start or unlock (`catchUp`).
 */
export class AuditDelivery {
  private outbox: Outbox | null = null;
  private loading: Promise<Outbox> | null = null;
  private readonly loop = createRerunLoop(() => this.drain(), {
    onError: (error) => log.error('delivery stopped', error),
  });
  private pendingWrite: Promise<void> | null = null;
  /** Changed since the write under way took its copy. */
  private dirty = false;
  /** The items changed otherwise than from their front: the next write stores them. */
  private itemsChanged = false;
  /** Items gone from the front since the items were stored (the head record counts them). */
  private frontRemoved = 0;
  private lastWriteAt = 0;
  private lastSentAt = 0;
  /** The item being sent: trimming past the budget keeps it. */
  private sending: OutboxItem | null = null;
  /** Bumped by "Try now" and a new destination: an attempt begun before it sets no back-off. */
  private generation = 0;
  /** Ids in the queue or handed over lately (`recent`), for the checks on every hand-over. */
  private handed = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly budget: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: AuditDeliveryDeps) {
    this.budget = deps.budget ?? OUTBOX_BUDGET;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** A finished audit entry, handed over by the audit log (actions never wait for this). */
  async record(entry: AuditEntry): Promise<void> {
    await this.handOver({ kind: 'entry', entry }, entry.resolvedAt ?? entry.at);
  }

  /** A bulk run ended: its one message for Slack and Discord. */
  async recordBulk(summary: BulkSummary): Promise<void> {
    await this.handOver({ kind: 'summary', summary }, summary.at);
  }

  /**
   * After a start or an unlock: the entries the audit log finished since the last hand-over that
   * were never handed over (the worker stopped in between) are handed over now.
   */
  async catchUp(finishedSince: (since: number) => Promise<AuditEntry[]>): Promise<void> {
    if ((await this.deps.destination()) === null) return;
    const box = await this.load();
    const now = this.deps.now();
    const since = Math.max(
      (box.handedThrough ?? -Infinity) - HANDED_MARGIN_MS,
      now - CATCH_UP_LOOKBACK_MS,
    );
    for (const entry of await finishedSince(since))
      if (!this.handed.has(entry.id)) await this.record(entry);
  }

  async state(): Promise<DeliveryState> {
    const box = await this.load();
    return {
      waiting: box.items.length,
      delivered: box.delivered,
      dropped: box.dropped,
      lastDroppedAt: box.lastDroppedAt,
      skipped: box.skipped,
      lastError: box.lastError,
      retryAt: box.retryAt,
    };
  }

  /** The operator's "Try now", or a new destination: the back-off starts over. */
  async retryNow(): Promise<void> {
    const box = await this.load();
    this.generation++;
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

  /** Starts sending (after start-up, unlock, an alarm, host access, a new entry). */
  kick(): void {
    this.loop.kick();
  }

  /** Resolves when the sending under way stops (queue empty, waiting, or locked). */
  async idle(): Promise<void> {
    for (let run = this.loop.running(); run; run = this.loop.running()) await run;
    while (this.pendingWrite) await this.pendingWrite;
  }

  /** After "Forget everything": nothing kept, nothing sent. */
  async reset(): Promise<void> {
    this.outbox = emptyOutbox();
    this.itemsChanged = false;
    this.frontRemoved = 0;
    this.handed.clear();
    this.generation++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.deps.alarms.clear(DELIVERY_ALARM);
    await this.idle();
    await this.deps.area.remove([OUTBOX_KEY, OUTBOX_HEAD_KEY]);
  }

  /**
   * Hands an item to the queue, once: it and its finish time are remembered with it, in the
   * same write. Nothing is queued while no destination is set (removed, or never set); what
   * the format in force does not take is counted as left out (checked again at sending, for a
   * format changed meanwhile).
   */
  private async handOver(item: OutboxItem, finishedAt: number): Promise<void> {
    const destination = await this.deps.destination();
    if (destination === null) return;
    const box = await this.load();
    const id = itemId(item);
    if (this.handed.has(id)) return;
    this.handed.add(id);
    box.handedThrough = Math.max(box.handedThrough ?? finishedAt, finishedAt);
    const oldest = box.handedThrough - HANDED_MARGIN_MS;
    box.recent = [...box.recent.filter((r) => r.at >= oldest), { id, at: finishedAt }];
    // Not for the format in force (known unless locked): left out now, counted, never queued.
    if (destination !== 'locked' && !fitsFormat(destination.format, item)) box.skipped++;
    else box.items.push(item);
    const over = box.items.length - this.budget;
    if (over > 0) {
      // The oldest go, but not one being sent right now (its answer decides for it).
      const from = box.items[0] === this.sending ? 1 : 0;
      box.items.splice(from, over);
      this.drop(box, over, 'the queue is full');
    }
    this.rememberHanded(box);
    await this.write(true);
    this.kick();
  }

  /** Takes item `at` out: from the front, the head record says so; elsewhere, items are rewritten. */
  private remove(at: number): void {
    this.outbox?.items.splice(at, 1);
    if (at === 0) this.frontRemoved++;
    else this.itemsChanged = true;
  }

  private drop(box: Outbox, count: number, why: string): void {
    box.dropped += count;
    box.lastDroppedAt = this.deps.now();
    log.warn(`delivery: ${count} entries dropped unsent (${why})`);
  }

  /** The ids a hand-over must not repeat: those queued, and those handed over lately. */
  private rememberHanded(box: Outbox): void {
    this.handed = new Set([...box.items.map(itemId), ...box.recent.map((r) => r.id)]);
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
      if (!fitsFormat(destination.format, head)) {
        box.items.shift();
        this.frontRemoved++;
        box.skipped++;
        void this.write();
        continue;
      }
      // Clamped: a clock set back must not stall the queue.
      const pace = Math.min(
        this.lastSentAt + PACE_MS[destination.format] - now,
        PACE_MS[destination.format],
      );
      if (pace > 0) {
        await this.sleep(pace);
        continue;
      }
      const generation = this.generation;
      let error: DeliveryError | null = null;
      let retryAt = 0;
      if (!(await this.deps.hasHostAccess([target.origin]))) {
        error = { at: now, problem: 'no-access', status: null };
        retryAt = now + retryDelayMs(box.failures + 1);
      } else {
        this.lastSentAt = now;
        this.sending = head;
        const answer = await this.send(target.url, destination, head, box.failures);
        this.sending = null;
        if (answer.kind === 'failed') ({ error, retryAt } = answer);
      }
      // Reset meanwhile ("Forget everything"): nothing of this attempt is kept.
      if (box !== this.outbox) return;
      const at = box.items.indexOf(head);
      if (error === null) {
        if (at !== -1) this.remove(at);
        Object.assign(box, {
          delivered: box.delivered + 1,
          failures: 0,
          retryAt: null,
          lastError: null,
        });
        void this.write();
        continue;
      }
      log.warn(
        `delivery failed (${error.problem}${error.status === null ? '' : ` ${error.status}`}); ${box.items.length} waiting`,
      );
      if (
        error.status !== null &&
        REFUSED_STATUSES.has(error.status) &&
        box.failures + 1 >= REFUSED_ATTEMPTS &&
        at !== -1
      ) {
        // Refused as malformed again and again: set aside, counted, so the rest can go.
        this.remove(at);
        this.drop(box, 1, `refused with ${error.status}`);
        Object.assign(box, { failures: 0, retryAt: null, lastError: error });
      } else if (generation === this.generation) {
        Object.assign(box, { failures: box.failures + 1, retryAt, lastError: error });
      } else box.lastError = error;
      await this.write();
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
      try {
        const stored = await this.deps.area.get([OUTBOX_KEY, OUTBOX_HEAD_KEY]);
        const raw = fromJsonText(stored[OUTBOX_KEY]);
        const parsed = OutboxSchema.safeParse(raw);
        let box = parsed.success ? parsed.data : emptyOutbox();
        let removed = 0;
        if (raw !== undefined && !parsed.success) {
          box = salvageOutbox(raw, this.deps.now());
          this.itemsChanged = true;
          log.warn(
            `delivery queue unreadable: ${box.items.length} entries kept, ${box.dropped} dropped`,
          );
        }
        // The head record of this very revision: what drained since the items were stored.
        const head = OutboxHeadSchema.safeParse(stored[OUTBOX_HEAD_KEY]);
        if (
          parsed.success &&
          head.success &&
          head.data.rev === box.rev &&
          head.data.removed <= box.items.length
        ) {
          const { rev: _rev, removed: gone, ...counters } = head.data;
          box = { ...box, ...counters, items: box.items.slice(gone) };
          removed = gone;
        }
        if (!this.outbox) {
          this.outbox = box;
          this.frontRemoved = removed;
          this.rememberHanded(box);
        }
        return this.outbox;
      } finally {
        // A failed read is tried again next time, not kept.
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /**
   * Writes the queue; whatever changes while a write runs goes in the next one, at most one
   * write per WRITE_GAP_MS. Resolves once a write that holds the caller's change has run. A
   * delivery rewrites only the small head record; the items are rewritten when they change
   * otherwise (`itemsChanged`), or once COMPACT_AFTER are gone from their front. A failed write
   * (storage full) is logged: the queue stays in memory and goes with the next one.
   */
  private write(itemsChanged = false): Promise<void> {
    this.dirty = true;
    if (itemsChanged) this.itemsChanged = true;
    return (this.pendingWrite ??= this.flush());
  }

  private async flush(): Promise<void> {
    for (;;) {
      const gap = Math.min(this.lastWriteAt + WRITE_GAP_MS - this.deps.now(), WRITE_GAP_MS);
      if (gap > 0) await this.sleep(gap);
      this.dirty = false;
      this.lastWriteAt = this.deps.now();
      const box = this.outbox ?? emptyOutbox();
      const whole =
        this.itemsChanged ||
        this.frontRemoved >= COMPACT_AFTER ||
        (this.frontRemoved > 0 && box.items.length === 0);
      const removed = this.frontRemoved;
      let items: Record<string, unknown>;
      if (whole) {
        box.rev++;
        this.itemsChanged = false;
        items = {
          [OUTBOX_KEY]: toJsonText(box),
          [OUTBOX_HEAD_KEY]: outboxHead(box, 0),
        };
      } else items = { [OUTBOX_HEAD_KEY]: outboxHead(box, removed) };
      try {
        await this.deps.area.set(items);
        // Those gone since the items were stored: only the ones gone during this write.
        if (whole) this.frontRemoved -= removed;
      } catch (error) {
        log.error('could not write the delivery queue', error);
        if (whole) this.itemsChanged = true;
      }
      // Cleared only here, after an await: a change made during the write is in `dirty`.
      if (!this.dirty) {
        this.pendingWrite = null;
        return;
      }
    }
  }
}
