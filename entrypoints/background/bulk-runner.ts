import { ChatApiError } from '../../utils/chat-api/errors';
import { createLogger } from '../../utils/log';
import { createRerunLoop } from '../../utils/rerun-loop';
import { BulkJobSchema, MAX_BULK_IDS, type BulkItem, type BulkJob } from '../../utils/mute/bulk';
import { UNMUTE_SECONDS } from '../../utils/mute/durations';
import { durationRefusal, policyError } from '../../utils/mute/decision';
import { protectedBy } from '../../utils/policy/policy';
import type { Scopes } from '../../utils/mute/scopes';
import { parseUserId, splitUserIdList } from '../../utils/mute/user-id';
import { VaultError } from '../../utils/vault/problems';
import type { AuditLog } from './audit-log';
import type { AlarmsLike } from './auto-lock';
import type { MuteService } from './mute-service';
import { HandlerError } from './router';
import type { KeyValueArea } from './vault-service';
import { fromJsonText, toJsonText } from '../../utils/json-text';
import { STORED } from '../../utils/storage/keys';

export const BULK_KEY = STORED.bulkJob.key;
export const BULK_ALARM = 'bulk-resume';
/** Requests in flight at once; the shared rate limiter does the pacing. */
const CONCURRENCY = 32;
/** Progress reaches storage.session at most this often. */
const PERSIST_MS = 500;
/** How long Tencent blocks an app after 70050. */
const BLOCK_PAUSE_MS = 60_000;
/** How long a job waits when the audit log cannot record its actions. */
const AUDIT_PAUSE_MS = 30_000;
/**
 * A worker that starts mid-job waits this long before sending: the requests its predecessor
 * finished in the last second are not in this worker's rate limiter (a window, plus margin).
 */
const RESUME_GUARD_MS = 1050;

const log = createLogger('bulk');

export interface BulkStartInput {
  profileId: string;
  text: string;
  action: 'mute' | 'unmute';
  scopes: Scopes;
  seconds: number;
  reason: string;
}

/**
 * Runs bulk jobs in the background: a dry run that reads each user's state, then the action
 * itself, both under the shared rate limiter. The job lives in storage.session, so closing the
 * popup, a worker restart or a one-minute 70050 block only pauses it: it resumes where it
 * stopped. Each item's action is audited under an id of its own (job, item, attempt), and the
 * audit log is written before and after every call, so it is the record of progress: a worker
 * that picks a job up takes each item's outcome from it and sends again only the items whose
 * call was in flight (an intent with no outcome), under the same entry.
 */
export class BulkRunner {
  private job: BulkJob | null = null;
  private loaded = false;
  /**
   * Whether this worker has taken the job over: a job it did not start is first caught up
   * from the audit log, and waits out the rate window, before this worker sends anything.
   */
  private takenOver = false;
  private readonly loop = createRerunLoop(() => this.run(), {
    onError: (error) => log.error('bulk run stopped', error),
    onStop: () => void this.settleAlarm(),
  });
  private persistTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly deps: {
      session: KeyValueArea;
      mute: MuteService;
      audit: Pick<AuditLog, 'entries'>;
      alarms: AlarmsLike;
      now: () => number;
      sleep?: (ms: number) => Promise<void>;
      /**
       * A run stopped sending (done, or cancelled): the audit delivery summarises it. Awaited
       * before the job is stored as ended, so a worker stopped in between summarises it again
       * (under the same id) rather than never.
       */
      onRunEnded?: (job: BulkJob) => Promise<void>;
    },
  ) {}

  /** Resolves once the running phase (if any) has stopped sending and its results are in. */
  async idle(): Promise<void> {
    for (let run = this.loop.running(); run; run = this.loop.running()) await run;
  }

  async status(): Promise<BulkJob | null> {
    await this.load();
    return this.job;
  }

  /** Validates the pasted list and starts the dry run. */
  async start(input: BulkStartInput): Promise<BulkJob> {
    await this.load();
    if (this.job && ['checking', 'running'].includes(this.job.phase)) {
      throw new HandlerError({ kind: 'invalid-input', field: 'job-running' });
    }
    const profile = await this.deps.mute.profile(input.profileId);
    const seconds = input.action === 'unmute' ? UNMUTE_SECONDS : input.seconds;
    // The organisation's limits: a duration it does not allow refuses the whole list; an ID it
    // protects is left out of it, named (an unmute is never refused).
    const limits = await this.deps.mute.limits();
    const tooLong = durationRefusal(seconds, limits);
    if (tooLong) throw new HandlerError(policyError(tooLong, limits.longestMuteSeconds));
    // Without host access every item would fail alike: say so once, before the dry run.
    await this.deps.mute.requireHostAccess(profile.id);
    const seen = new Set<string>();
    const invalid: BulkJob['invalid'] = [];
    const items: BulkItem[] = [];
    for (const text of splitUserIdList(input.text)) {
      const parsed = parseUserId(text);
      if (!parsed.ok) invalid.push({ text: text.slice(0, 200), problem: parsed.problem });
      else if (parsed.userId === profile.adminAccount)
        invalid.push({ text, problem: 'admin-account' });
      else if (seconds !== UNMUTE_SECONDS && protectedBy(parsed.userId, limits.protectedIds))
        invalid.push({ text, problem: 'protected-id' });
      else if (!seen.has(parsed.userId)) {
        seen.add(parsed.userId);
        items.push({
          userId: parsed.userId,
          state: null,
          exists: null,
          status: 'pending',
          errorCode: null,
          errorCategory: null,
        });
      }
    }
    if (items.length > MAX_BULK_IDS)
      throw new HandlerError({ kind: 'invalid-input', field: 'too-many-ids' });
    if (items.length === 0)
      throw new HandlerError({ kind: 'invalid-input', field: 'no-valid-ids' });
    this.job = {
      id: crypto.randomUUID(),
      profileId: profile.id,
      action: input.action,
      scopes: input.scopes,
      seconds,
      reason: input.reason,
      phase: 'checking',
      invalid,
      items,
      pausedUntil: null,
      startedAt: this.deps.now(),
      finishedAt: null,
    };
    this.takenOver = true;
    await this.persist();
    this.kick();
    return this.job;
  }

  /** Applies the checked job. */
  async apply(jobId: string, shorten: boolean): Promise<BulkJob> {
    const job = await this.jobWithId(jobId);
    if (job.phase !== 'ready')
      throw new HandlerError({ kind: 'invalid-input', field: 'job-not-ready' });
    job.phase = 'running';
    job.shorten = shorten;
    await this.persist();
    this.kick();
    return job;
  }

  /** Puts the failed users back in the queue and runs again. */
  async retryFailed(jobId: string): Promise<BulkJob> {
    const job = await this.jobWithId(jobId);
    if (!['done', 'cancelled', 'paused'].includes(job.phase)) {
      throw new HandlerError({ kind: 'invalid-input', field: 'job-running' });
    }
    for (const item of job.items) {
      if (item.status === 'failed')
        Object.assign(item, {
          status: 'checked',
          errorCode: null,
          errorCategory: null,
          attempt: (item.attempt ?? 0) + 1,
        });
    }
    Object.assign(job, { phase: phaseToCarryOn(job), pausedUntil: null, finishedAt: null });
    delete job.awaitingAccess;
    await this.persist();
    this.kick();
    return job;
  }

  async cancel(jobId: string): Promise<BulkJob> {
    const job = await this.jobWithId(jobId);
    if (job.phase !== 'done') {
      const wasRunning = job.phase === 'running' || job.phase === 'paused';
      job.phase = 'cancelled';
      job.finishedAt = this.deps.now();
      if (wasRunning) await this.runEnded(job);
    }
    await this.persist();
    return job;
  }

  /** After "Forget everything": a job under way stops sending, and none is kept. */
  async reset(): Promise<void> {
    if (this.job && this.job.phase !== 'done') this.job.phase = 'cancelled';
    await this.idle().catch(() => {});
    if (this.persistTimer !== null) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    this.job = null;
    this.loaded = false;
    this.takenOver = false;
  }

  /** Forgets a finished job. */
  async clear(): Promise<void> {
    await this.load();
    if (this.job && ['checking', 'running'].includes(this.job.phase)) {
      throw new HandlerError({ kind: 'invalid-input', field: 'job-running' });
    }
    this.job = null;
    await this.deps.session.remove(BULK_KEY);
  }

  /**
   * Picks a job back up after a worker restart, an alarm, or an unlock. A worker that did not
   * run the job waits out the rate-limit window first.
   */
  async resume(): Promise<void> {
    await this.load();
    const job = this.job;
    if (this.loop.running()) return;
    // No job to run (the browser restarted, or it ended as the worker stopped): no alarm either.
    if (!job) return this.settleAlarm();
    if (job.phase === 'paused') {
      if (job.pausedUntil !== null && job.pausedUntil > this.deps.now()) {
        await this.deps.alarms.create(BULK_ALARM, { when: job.pausedUntil });
        return;
      }
      Object.assign(job, { phase: phaseToCarryOn(job), pausedUntil: null });
      delete job.awaitingAccess;
      await this.persist();
    }
    if (job.phase !== 'checking' && job.phase !== 'running') return this.settleAlarm();
    this.kick();
  }

  /** Whether an audit entry belongs to the job still under way (it settles that entry itself). */
  owns(entryId: string): boolean {
    const job = this.job;
    return (
      !!job &&
      ['checking', 'ready', 'running', 'paused'].includes(job.phase) &&
      entryId.startsWith(`${job.id}/`)
    );
  }

  /**
   * Progress reaches storage.session twice a second; the audit log has every answer. Items the
   * stored job still shows as to-do take their outcome from it; those with none are sent again.
   */
  private async catchUp(job: BulkJob): Promise<void> {
    const todo = new Map<string, BulkItem>();
    job.items.forEach((item, index) => {
      if (item.status === 'checked') todo.set(entryIdOf(job, index, item), item);
    });
    if (todo.size === 0) return;
    const found = await this.deps.audit.entries(new Set(todo.keys()), job.startedAt);
    for (const [id, entry] of found) {
      const item = todo.get(id);
      if (!item) continue;
      if (entry.outcome === 'ok') {
        item.status = 'done';
        this.deps.mute.noteApplied(entry);
      } else if (entry.outcome === 'failed' && entry.errorCategory !== 'blocked')
        Object.assign(item, {
          status: 'failed',
          errorCode: entry.errorCode,
          errorCategory: entry.errorCategory ?? 'unknown-code',
        });
    }
    await this.persist();
  }

  private async jobWithId(jobId: string): Promise<BulkJob> {
    await this.load();
    if (!this.job || this.job.id !== jobId) throw new HandlerError({ kind: 'not-found' });
    return this.job;
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const stored = (await this.deps.session.get(BULK_KEY))[BULK_KEY];
    const parsed = BulkJobSchema.safeParse(fromJsonText(stored));
    this.job ??= parsed.success ? parsed.data : null;
  }

  /** Starts the loop (a kick while it runs, as Retry pressed while a run stores its end, runs it again). */
  private kick(): void {
    this.loop.kick();
  }

  /** Once the loop stops: a paused job's deadline keeps its alarm; otherwise none is left. */
  private async settleAlarm(): Promise<void> {
    const job = this.job;
    if (job?.phase === 'paused' && job.pausedUntil !== null)
      await this.deps.alarms.create(BULK_ALARM, { when: job.pausedUntil });
    else if (job?.phase !== 'checking' && job?.phase !== 'running')
      await this.deps.alarms.clear(BULK_ALARM);
  }

  private async run(): Promise<void> {
    const job = this.job;
    if (!job) return;
    if (!this.takenOver) {
      if (job.phase === 'running') await this.catchUp(job);
      this.takenOver = true;
      await this.sleep(RESUME_GUARD_MS);
    }
    const checking = job.phase === 'checking';
    const wanted: BulkItem['status'] = checking ? 'pending' : 'checked';
    const queue = job.items.flatMap((item, index) =>
      item.status === wanted ? [{ item, index }] : [],
    );
    const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (job.phase !== (checking ? 'checking' : 'running')) return;
        await (checking ? this.check(job, next.item) : this.act(job, next.item, next.index));
        this.schedulePersist();
      }
    });
    await Promise.all(workers);
    if (job.phase === 'checking') job.phase = 'ready';
    else if (job.phase === 'running') {
      job.phase = 'done';
      job.finishedAt = this.deps.now();
      await this.runEnded(job);
    }
    await this.persist();
  }

  private async runEnded(job: BulkJob): Promise<void> {
    try {
      await this.deps.onRunEnded?.(job);
    } catch (error) {
      log.error('could not hand the run over for its summary', error);
    }
  }

  private async check(job: BulkJob, item: BulkItem): Promise<void> {
    try {
      const view = await this.deps.mute.readState(job.profileId, item.userId);
      Object.assign(item, { state: view.state, exists: view.exists, status: 'checked' });
    } catch (error) {
      this.fail(job, item, error);
    }
  }

  private async act(job: BulkJob, item: BulkItem, index: number): Promise<void> {
    try {
      await this.deps.mute.apply({
        entryId: entryIdOf(job, index, item),
        profileId: job.profileId,
        userId: item.userId,
        scopes: job.scopes,
        seconds: job.seconds,
        reason: job.reason,
        source: 'bulk',
        undoable: false,
        ...(item.state ? { knownPrevious: item.state } : {}),
        // The Apply dialog named the duration and the app; the dry run's count of users muted
        // for longer came with the choice to shorten or skip them.
        confirmed: job.shorten
          ? ['permanent', 'production', 'shortens']
          : ['permanent', 'production'],
      });
      item.status = 'done';
    } catch (error) {
      if (
        error instanceof HandlerError &&
        error.appError.kind === 'needs-confirmation' &&
        error.appError.questions.includes('shortens')
      )
        item.status = 'skipped';
      else this.fail(job, item, error);
    }
  }

  /**
   * A failure is the item's, except a block, a lock or withdrawn host access, which pause the
   * whole job (resumed after the block, at unlock, or by Retry once access is back).
   */
  private fail(job: BulkJob, item: BulkItem, error: unknown): void {
    if (error instanceof ChatApiError && error.data.category === 'blocked') {
      this.pause(job, this.deps.now() + BLOCK_PAUSE_MS);
      return;
    }
    if (error instanceof ChatApiError && error.data.access) {
      this.pause(job, null);
      job.awaitingAccess = error.data.access;
      return;
    }
    if (error instanceof VaultError && error.problem === 'locked') {
      this.pause(job, null);
      return;
    }
    if (error instanceof HandlerError && error.appError.kind === 'audit-unwritable') {
      this.pause(job, this.deps.now() + AUDIT_PAUSE_MS);
      return;
    }
    if (!(error instanceof ChatApiError)) log.error('bulk item failed unexpectedly', error);
    Object.assign(item, {
      status: 'failed',
      errorCode: error instanceof ChatApiError ? error.data.code : null,
      errorCategory: error instanceof ChatApiError ? error.data.category : 'unknown-code',
    });
  }

  private pause(job: BulkJob, until: number | null): void {
    if (job.phase === 'paused') return;
    job.phase = 'paused';
    job.pausedUntil = until;
    if (until !== null) void this.deps.alarms.create(BULK_ALARM, { when: until });
  }

  private schedulePersist(): void {
    this.persistTimer ??= setTimeout(() => {
      this.persistTimer = null;
      void this.persist();
    }, PERSIST_MS);
  }

  private async persist(): Promise<void> {
    if (this.persistTimer !== null) {
      clearTimeout(this.persistTimer);
      this.persistTimer = null;
    }
    // As one JSON text: as an object, 1,000 items held the worker ~100 ms per write.
    if (this.job) await this.deps.session.set({ [BULK_KEY]: toJsonText(this.job) });
  }

  private sleep(ms: number): Promise<void> {
    return (this.deps.sleep ?? ((d: number) => new Promise<void>((r) => setTimeout(r, d))))(ms);
  }
}

/** The audit entry of one attempt at one item: the same id however often a restart sends it. */
function entryIdOf(job: BulkJob, index: number, item: BulkItem): string {
  return `${job.id}/${index}/${item.attempt ?? 0}`;
}

/** A job that stopped carries on with its dry run if users are left unchecked, else applying. */
function phaseToCarryOn(job: BulkJob): 'checking' | 'running' {
  return job.items.some((item) => item.status === 'pending') ? 'checking' : 'running';
}
