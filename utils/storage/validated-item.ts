import type { WxtStorageItem } from '#imports';
import type * as z from 'zod/mini';

/** The stored value exists but does not fit its schema; nothing was written over it. */
export class StoredValueUnreadable extends Error {
  override name = 'StoredValueUnreadable';
}

export interface ValidatedItem<T> {
  /** The stored value if it fits the schema, else the fallback (never written back). */
  get(): Promise<T>;
  /** Reads, changes, validates and writes. Refuses to overwrite a value it cannot read. */
  update(change: (current: T) => T): Promise<T>;
}

/**
 * Wraps a WXT storage item so every read goes through a zod schema with a safe fallback, and
 * a value that failed to migrate or parse is never silently replaced by that fallback.
 */
export function validatedItem<T>(
  item: WxtStorageItem<unknown, Record<string, unknown>>,
  schema: z.ZodMiniType<T>,
  fallback: T,
): ValidatedItem<T> {
  const read = async (): Promise<{ value: T; readable: boolean }> => {
    const raw = await item.getValue();
    if (raw === null || raw === undefined) return { value: fallback, readable: true };
    const parsed = schema.safeParse(raw);
    return parsed.success
      ? { value: parsed.data, readable: true }
      : { value: fallback, readable: false };
  };
  return {
    async get() {
      return (await read()).value;
    },
    async update(change) {
      const current = await read();
      if (!current.readable)
        throw new StoredValueUnreadable('stored value does not fit its schema');
      const next = schema.parse(change(current.value));
      await item.setValue(next);
      return next;
    },
  };
}
