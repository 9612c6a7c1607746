import type { ButtonState } from './button-layer';
import type { StateView } from '../../utils/messages/protocol';
import { isMuted } from '../../utils/mute/state';

/** Lookups per batch, and at most one batch per second: 20 lookups a second per tab. */
const BATCH = 20;
const INTERVAL_MS = 1000;
/** A state read is reused this long. */
const CACHE_MS = 10_000;
/** After a failed lookup, the same IDs are asked for again this much later. */
const RETRY_MS = 2000;

/**
 * The mute state of IDs near the screen, looked up lazily: batched, cached briefly, and never
 * more than 20 lookups a second for this tab.
 */
export class StateCache {
  private readonly known = new Map<string, { view: StateView | null; at: number }>();
  private readonly queue = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  /** Failed batches in a row. */
  private failures = 0;
  private lastBatch = 0;

  constructor(
    private readonly lookup: (
      userIds: string[],
    ) => Promise<Array<{ userId: string; view: StateView | null }>>,
    private readonly onUpdate: (userIds: string[]) => void,
    /** Whether an ID still has a button: IDs scrolled past meanwhile are not looked up. */
    private readonly stillShown: (userId: string) => boolean,
  ) {}

  stateOf(userId: string): ButtonState {
    const known = this.known.get(userId);
    if (!known?.view) return 'unknown';
    return isMuted(known.view.state, Date.now()) ? 'muted' : 'free';
  }

  view(userId: string): StateView | null {
    return this.known.get(userId)?.view ?? null;
  }

  /** The state read for an ID within the cache time (what its button shows), or null. */
  fresh(userId: string): StateView | null {
    const known = this.known.get(userId);
    return known && Date.now() - known.at <= CACHE_MS ? known.view : null;
  }

  /** Records a state just read or set elsewhere (the popover). */
  set(userId: string, view: StateView): void {
    this.known.set(userId, { view, at: Date.now() });
    this.onUpdate([userId]);
  }

  want(userIds: string[]): void {
    const now = Date.now();
    for (const id of userIds) {
      const known = this.known.get(id);
      if (!known || now - known.at > CACHE_MS) this.queue.add(id);
    }
    this.schedule();
  }

  /** Forgets everything (another app, or the vault just unlocked). */
  clear(): void {
    this.known.clear();
    this.failures = 0;
  }

  private schedule(): void {
    if (this.timer !== null || this.queue.size === 0) return;
    const wait = Math.max(0, this.lastBatch + INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runBatch();
    }, wait);
  }

  private async runBatch(): Promise<void> {
    for (const id of this.queue) if (!this.stillShown(id)) this.queue.delete(id);
    const batch = [...this.queue].slice(0, BATCH);
    for (const id of batch) this.queue.delete(id);
    if (batch.length === 0) return;
    this.lastBatch = Date.now();
    try {
      const results = await this.lookup(batch);
      for (const { userId, view } of results) this.known.set(userId, { view, at: Date.now() });
      this.failures = 0;
      this.onUpdate(results.map((r) => r.userId));
    } catch {
      // Locked, too fast, offline, or asked before the page knew its app: the buttons stay
      // "unknown" (a failure is not cached) and the IDs are asked for again after a pause,
      // three tries at most (a vault that stays locked is not asked every 2 s; the page asks
      // again once it is open).
      for (const id of batch) if (!this.known.get(id)?.view) this.known.delete(id);
      this.failures++;
      if (this.failures < 3)
        this.retry ??= setTimeout(() => {
          this.retry = null;
          this.want(batch.filter((id) => this.stillShown(id)));
        }, RETRY_MS * this.failures);
    }
    this.schedule();
  }
}
