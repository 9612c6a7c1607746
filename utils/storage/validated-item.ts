import type { WxtStorageItem } from '#imports';
import type * as z from 'zod/mini';

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
 * The last value read or written is kept in memory (and dropped when storage changes under
 * it), so a log that is appended to often is not re-validated in full on every write.
 */
export function validatedItem<T>(
  item: WxtStorageItem<unknown, Record<string, unknown>>,
  schema: z.ZodMiniType<T>,
  fallback: T,
): ValidatedItem<T> {
  let known: { value: T } | null = null;
  // Our own write comes back as a change event; anything else (a wipe, another writer) means
  // the memory copy is stale. A removal always is.
  let echoes = 0;
  item.watch((value) => {
    if (value !== null && value !== undefined && echoes > 0) echoes--;
    else known = null;
  });

  const read = async (): Promise<{ value: T; readable: boolean }> => {
    if (known) return { value: known.value, readable: true };
    const raw = await item.getValue();
    if (raw === null || raw === undefined) return { value: fallback, readable: true };
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { value: fallback, readable: false };
    known = { value: parsed.data };
    return { value: parsed.data, readable: true };
  };
  return {
    async get() {
      return (await read()).value;
    },
    async update(change, options) {
      const current = await read();
      if (!current.readable)
        throw new StoredValueUnreadable('stored value does not fit its schema');
      const changed = change(current.value);
      const next = options?.prevalidated ? changed : schema.parse(changed);
      echoes++;
      await item.setValue(next);
      known = { value: next };
      return next;
    },
  };
}
