import * as z from 'zod/mini';
import { storage } from '#imports';
import { AuditEntrySchema, type AuditEntry } from '../../utils/audit/entry';
import { createBatcher } from '../../utils/batcher';
import { createLogger } from '../../utils/log';
import type { Settings } from '../../utils/settings';
import { validatedItem } from '../../utils/storage/validated-item';

const log = createLogger('audit');
/** Appends wait at most this long; a listing flushes first, so the UI never sees a stale log. */
const BATCH_MS = 1000;

export interface AuditFilter {
  /** Part of a user ID, case-insensitive. */
  userQuery?: string;
  profileId?: string;
}

/**
 * The audit log: every action from every path, oldest first, in `storage.local` under
 * "auditLog" (version 1). Append-only from the UI; capped and pruned by age on each write.
 * Appends are batched so a bulk run does not rewrite the log once per user.
 */
export class AuditLog {
  private readonly item = validatedItem(
    storage.defineItem<unknown>('local:auditLog', { version: 1 }),
    z.array(AuditEntrySchema),
    [],
  );
  private readonly batch = createBatcher<AuditEntry>((entries) => this.write(entries), BATCH_MS);

  constructor(
    private readonly settings: () => Promise<Settings>,
    private readonly now: () => number = Date.now,
  ) {}

  append(entry: AuditEntry): void {
    this.batch.add(AuditEntrySchema.parse(entry));
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    await this.batch.flush();
    const query = filter.userQuery?.trim().toLowerCase() ?? '';
    return (await this.item.get()).filter(
      (e) =>
        (query === '' || e.userId.toLowerCase().includes(query)) &&
        (filter.profileId === undefined || e.profileId === filter.profileId),
    );
  }

  private async write(entries: AuditEntry[]): Promise<void> {
    const { auditMaxEntries, auditRetentionDays } = await this.settings();
    const oldest = this.now() - auditRetentionDays * 86_400_000;
    try {
      await this.item.update(
        (log) => [...log, ...entries].filter((e) => e.at >= oldest).slice(-auditMaxEntries),
        { prevalidated: true },
      );
    } catch (error) {
      log.error(`could not record ${entries.length} audit entries`, error);
    }
  }
}
