import type { WxtStorageItem } from '#imports';
import type * as z from 'zod/mini';
import { createSerialQueue } from '../serial-queue';

/** The stored value exists but does not fit its schema; nothing was written over it. */
export class StoredValueUnreadable extends Error {
  override name = 'StoredValueUnreadable';
}

export interface ValidatedItem<T> {
  /** The stored value if it fits the schema, else the fallback (never written back). */
  get(): Promise<T>;
  /**
   * Reads, changes, validates and writes. Refuses to overwrite a value it cannot read.
   * `prevalidated` skips validating the whole new value, for a long list whose caller has
   * validated the entries it adds (the rest came from a validated read).
   */
  update(change: (current: T) => T, options?: { prevalidated?: boolean }): Promise<T>;
}

/**
 * Wraps a WXT storage item so every read goes through a zod schema with a safe fallback, and
 * a value that failed to migrate or parse is never silently replaced by that fallback.
 * Updates run one after another (a serial queue per item): two changes at once both land.
 * The last value read or written is kept in memory, so a log that is appended to often is not
 * re-validated in full on every write. The copy is trusted only while storage holds exactly it:
 * every change event is compared with it, and anything else (a wipe, another writer) drops it.
 * (No counting of our own write's echoes: a write that changes nothing has none.)
 */
export function validatedItem<T>(
  item: WxtStorageItem<unknown, Record<string, unknown>>,
  schema: z.ZodMiniType<T>,
  fallback: T,
): ValidatedItem<T> {
  let known: { value: T; json: string } | null = null;
  const queue = createSerialQueue();
  item.watch((value) => {
    if (known && value !== null && value !== undefined && JSON.stringify(value) === known.json)
      return;
    known = null;
  });

  const remember = (value: T) => {
    known = { value, json: JSON.stringify(value) };
  };
  const read = async (): Promise<{ value: T; readable: boolean }> => {
    if (known) return { value: known.value, readable: true };
    const raw = await item.getValue();
    if (raw === null || raw === undefined) return { value: fallback, readable: true };
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { value: fallback, readable: false };
    remember(parsed.data);
    return { value: parsed.data, readable: true };
  };
  return {
    async get() {
      return (await read()).value;
    },
    update(change, options) {
      return queue(async () => {
        const current = await read();
        if (!current.readable)
          throw new StoredValueUnreadable('stored value does not fit its schema');
        const changed = change(current.value);
        const next = options?.prevalidated ? changed : schema.parse(changed);
        // Known before the write: its change event then matches, another writer's does not.
        remember(next);
        try {
          await item.setValue(next);
        } catch (error) {
          known = null;
          throw error;
        }
        return next;
      });
    },
  };
}
