/**
 * Collects items and hands them to `flush` together, at most `delayMs` after the first one
 * arrived: a bulk run of a thousand mutes writes storage a few dozen times, not a thousand.
 * Flushes never overlap; items added during a flush go to the next one.
 */
export interface Batcher<T> {
  add(item: T): void;
  /** Writes whatever is waiting now, and resolves when everything added so far is written. */
  flush(): Promise<void>;
  /** What was added and is not written yet (waiting, or in a write still running), in order. */
  pending(): readonly T[];
  /** Drops what waits, and resolves once a write still running has finished. */
  discard(): Promise<void>;
}

export function createBatcher<T>(
  write: (items: T[]) => Promise<void>,
  delayMs: number,
): Batcher<T> {
  let waiting: T[] = [];
  // Handed to a write that has not finished yet, oldest first (writes run one after another).
  let writing: T[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let chain: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    const items = waiting;
    waiting = [];
    if (items.length > 0) {
      writing = [...writing, ...items];
      chain = chain
        .then(() => write(items))
        .catch(() => {})
        .then(() => {
          writing = writing.slice(items.length);
        });
    }
    return chain;
  }

  return {
    add(item) {
      waiting.push(item);
      timer ??= setTimeout(() => void flush(), delayMs);
    },
    flush,
    pending: () => [...writing, ...waiting],
    async discard() {
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
      waiting = [];
      await chain;
    },
  };
}
