import * as z from 'zod/mini';
import { createSerialQueue } from '../../utils/serial-queue';
import { ScopesSchema } from '../../utils/mute/scopes';
import { MuteStateSchema } from '../../utils/mute/state';
import type { KeyValueArea } from './vault-service';
import { STORED } from '../../utils/storage/keys';

/** How long an action can be undone. */
export const UNDO_WINDOW_MS = 10 * 60_000;
const KEY = STORED.undoRecords.key;

export const UndoRecordSchema = z.strictObject({
  id: z.string().check(z.maxLength(64)),
  profileId: z.string().check(z.maxLength(64)),
  userId: z.string().check(z.maxLength(64)),
  /** The state before the action, to re-apply. */
  previous: MuteStateSchema,
  /** The scopes the action changed: only those are restored. */
  scopes: ScopesSchema,
  expiresAt: z.number(),
});
export type UndoRecord = z.infer<typeof UndoRecordSchema>;

/**
 * What each recent action replaced, kept 10 minutes in storage.session (a worker restart keeps
 * it; a browser restart drops it).
 */
export class UndoStore {
  constructor(
    private readonly session: KeyValueArea,
    private readonly now: () => number = Date.now,
  ) {}

  /** Read-modify-writes one after another: two actions at once keep both records. */
  private readonly serial = createSerialQueue();

  add(record: UndoRecord): Promise<void> {
    return this.serial(async () => {
      const records = await this.live();
      await this.session.set({
        [KEY]: [
          ...records.filter(
            (r) => !(r.profileId === record.profileId && r.userId === record.userId),
          ),
          record,
        ],
      });
    });
  }

  /** Removes and returns a record, if it is still within its window. */
  take(id: string): Promise<UndoRecord | null> {
    return this.serial(async () => {
      const records = await this.live();
      const found = records.find((r) => r.id === id) ?? null;
      if (found) await this.session.set({ [KEY]: records.filter((r) => r.id !== id) });
      return found;
    });
  }

  /** False when stored records exist and do not fit their schema. */
  async readable(): Promise<boolean> {
    const stored = (await this.session.get(KEY))[KEY];
    return stored === undefined || z.array(UndoRecordSchema).safeParse(stored).success;
  }

  /** Drops every record: the repair for unreadable ones. */
  repair(): Promise<void> {
    return this.serial(() => this.session.remove(KEY));
  }

  /** The records still within their window. */
  async live(): Promise<UndoRecord[]> {
    const parsed = z.array(UndoRecordSchema).safeParse((await this.session.get(KEY))[KEY]);
    return parsed.success ? parsed.data.filter((r) => r.expiresAt > this.now()) : [];
  }
}
