import type { WxtStorageItem } from '#imports';
import type * as z from 'zod/mini';
import { createSerialQueue } from '../serial-queue';
import { fromJsonText } from '../json-text';

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
  /** False when a stored value exists and does not fit the schema. */
  readable(): Promise<boolean>;
  /** Removes the stored value (the fallback applies again): the repair for an unreadable one. */
  reset(): Promise<void>;
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
  storing: {
    /** Written as one JSON text (utils/json-text.ts), for a long list written often. */
    asText?: boolean;
  } = {},
): ValidatedItem<T> {
  let known: { value: T; json: string } | null = null;
  /** The JSON of our write in flight: its change event is no news. */
  let writing: string | null = null;
  /** Counts changes from elsewhere: a read or write that saw one meanwhile keeps no copy. */
  let changes = 0;
  const queue = createSerialQueue();
  item.watch((value) => {
    const json =
      value === null || value === undefined
        ? null
        : storing.asText && typeof value === 'string'
          ? value
          : JSON.stringify(value);
    if (json !== null && (json === writing || json === known?.json)) return;
    changes++;
    known = null;
  });

  const read = async (): Promise<{ value: T; readable: boolean }> => {
    if (known) return { value: known.value, readable: true };
    const seen = changes;
    const raw = await item.getValue();
    if (raw === null || raw === undefined) return { value: fallback, readable: true };
    const parsed = schema.safeParse(storing.asText ? fromJsonText(raw) : raw);
    if (!parsed.success) return { value: fallback, readable: false };
    if (seen === changes) known = { value: parsed.data, json: JSON.stringify(parsed.data) };
    return { value: parsed.data, readable: true };
  };
  return {
    async get() {
      return (await read()).value;
    },
    async readable() {
      return (await read()).readable;
    },
    reset() {
      return queue(async () => {
        known = null;
        // The version stays: the next value written is of the current version.
        await item.removeValue();
      });
    },
    update(change, options) {
      return queue(async () => {
        const current = await read();
        if (!current.readable)
          throw new StoredValueUnreadable('stored value does not fit its schema');
        const changed = change(current.value);
        const next = options?.prevalidated ? changed : schema.parse(changed);
        // Readers see the stored value until the write lands; a change from elsewhere while
        // it is in flight leaves no copy (the next read goes to storage).
        const json = JSON.stringify(next);
        const seen = changes;
        known = null;
        writing = json;
        try {
          await item.setValue(storing.asText ? json : next);
        } finally {
          writing = null;
        }
        if (seen === changes) known = { value: next, json };
        return next;
      });
    },
  };
}
