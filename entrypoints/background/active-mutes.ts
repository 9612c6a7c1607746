import * as z from 'zod/mini';
import { storage } from '#imports';
import { createBatcher } from '../../utils/batcher';
import { createLogger } from '../../utils/log';
import {
  ActiveMuteSchema,
  activeMuteKey,
  stillActive,
  type ActiveMute,
} from '../../utils/mute/active-mute';
import { validatedItem } from '../../utils/storage/validated-item';
import { STORED, wxtKey } from '../../utils/storage/keys';

const log = createLogger('active-mutes');
/** Records wait at most this long before they are written; a listing includes them at once. */
const BATCH_MS = 1000;

/**
 * The registry of mutes this extension applied, in `storage.local` under "activeMutes"
 * (version 1). An upsert per (profile, user); entries whose every scope has ended drop out
 * on the next write and never show in a listing. Writes are batched like the audit log, and a
 * listing reads the batch without writing it: the badge redraws after every write, and a
 * listing that wrote would start the next write at once (one after another through a bulk
 * run, each blocking the worker for the whole list's serialisation).
 */
export class ActiveMutes {
  private readonly item = validatedItem(
    storage.defineItem<unknown>(wxtKey('activeMutes'), { version: STORED.activeMutes.version }),
    z.array(ActiveMuteSchema),
    [],
    // A bulk run rewrites the whole list every second: as text, not an object per entry.
    { asText: true },
  );
  private readonly batch = createBatcher<ActiveMute>((entries) => this.write(entries), BATCH_MS);
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records the state a user is in now (an unmute records a state that is not muted). */
  record(entry: ActiveMute): void {
    this.batch.add(ActiveMuteSchema.parse(entry));
  }

  async list(profileId?: string): Promise<ActiveMute[]> {
    const entries = stillActive(upsert(await this.item.get(), this.batch.pending()), this.now());
    return profileId === undefined ? entries : entries.filter((e) => e.profileId === profileId);
  }

  /** Writes what is waiting now; resolves once everything recorded so far is stored. */
  flush(): Promise<void> {
    return this.batch.flush();
  }

  /** After "Forget everything": drops what waits to be written (a write under way finishes). */
  reset(): Promise<void> {
    return this.batch.discard();
  }

  /** False when the stored list exists and does not fit its schema. */
  readable(): Promise<boolean> {
    return this.item.readable();
  }

  /** Starts the list over (the mutes themselves stay at Tencent): the repair when unreadable. */
  async repair(): Promise<void> {
    await this.batch.discard();
    await this.item.reset();
    for (const listener of this.listeners) listener();
  }

  /** Called after every write (the toolbar badge follows the registry). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private async write(entries: ActiveMute[]): Promise<void> {
    try {
      await this.item.update((stored) => stillActive(upsert(stored, entries), this.now()), {
        prevalidated: true,
      });
    } catch (error) {
      log.error(`could not record ${entries.length} mutes`, error);
    }
    for (const listener of this.listeners) listener();
  }
}

/** The stored entries with `later` laid over them: one entry per (profile, user), the latest. */
function upsert(stored: readonly ActiveMute[], later: readonly ActiveMute[]): ActiveMute[] {
  const byKey = new Map(stored.map((e) => [activeMuteKey(e.profileId, e.userId), e]));
  for (const entry of later) byKey.set(activeMuteKey(entry.profileId, entry.userId), entry);
  return [...byKey.values()];
}
