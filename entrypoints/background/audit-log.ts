import type { AuditEntry } from '../../utils/audit/entry';
import {
  AUDIT_BUDGET_BYTES,
  AUDIT_INDEX_KEY,
  AUDIT_PAGE_LIST_KEY,
  AUDIT_PAGE_PREFIX,
  LEGACY_AUDIT_KEYS,
  PAGE_BYTES,
  appendRecords,
  auditPageKey,
  emptyIndex,
  indexFromPages,
  indexFromStored,
  PageListSchema,
  pagesToDrop,
  StoredIndexSchema,
  storedBytes,
  storedIndex,
  type AuditIndex,
  type PageInfo,
} from '../../utils/audit/pages';
import {
  IntentRecordSchema,
  OutcomeRecordSchema,
  entryOf,
  mergeRecords,
  type IntentRecord,
  type OutcomeRecord,
} from '../../utils/audit/records';
import { AuditEntrySchema } from '../../utils/audit/entry';
import { createLogger } from '../../utils/log';
import type { Settings } from '../../utils/settings';
import { fromJsonText, toJsonText } from '../../utils/json-text';
import type { KeyValueArea } from './vault-service';

const log = createLogger('audit');
/** After a failed write, outcomes still waiting are tried again this often. */
const RETRY_MS = 5000;

export interface AuditFilter {
  /** Part of a user ID, case-insensitive. */
  userQuery?: string;
  profileId?: string;
  /** Exactly this moderator's entries. */
  moderator?: string;
}

export interface AuditListing {
  entries: AuditEntry[];
  /** Every moderator name among the entries kept (for the filter), sorted. */
  moderators: string[];
  /** Stored records that fit no schema: skipped, kept as they are. */
  skipped: number;
  /** Entries dropped to stay inside the byte budget before their age or count limit. */
  droppedForBudget: number;
  bytes: number;
  budgetBytes: number;
}

export interface AuditHealth {
  /** Since when writes fail (null while they land). */
  failingSince: number | null;
  /** Whether the browser said its storage is full. */
  quota: boolean;
}

/** The audit log could not record an intent: the action must not be sent. */
export class AuditUnwritable extends Error {
  override name = 'AuditUnwritable';
  constructor(readonly quota: boolean) {
    super(quota ? 'audit log: storage is full' : 'audit log: write failed');
  }
}

export interface AuditLogDeps {
  area: KeyValueArea;
  /** Calls back with every change to the area (as storage.onChanged reports it). */
  watch(listener: (changes: Record<string, { newValue?: unknown }>) => void): void;
  settings: () => Promise<Pick<Settings, 'auditMaxEntries' | 'auditRetentionDays'>>;
  now: () => number;
}

interface Loaded {
  index: AuditIndex;
  /** The newest page's records, as stored (a malformed one stays where it is). */
  head: unknown[];
  /** The stored list of closed pages: its size, and whether it must be written again. */
  listBytes: number;
  listStale: boolean;
}

/**
 * The audit log: every action from every path, each recorded exactly once as an intent written
 * before its API call and an outcome written after it (utils/audit/records.ts), in pages under
 * a byte budget (utils/audit/pages.ts). Records go to storage in group commits: whatever arrives
 * while a write runs goes in the next one, so a caller waits one write, never a timer, and a bulk
 * run writes as often as storage keeps up. An intent that cannot be written stops its action
 * (AuditUnwritable); an outcome that cannot be written is kept and tried again, and the failure
 * shows in the popup and on the badge until a write lands.
 */
export class AuditLog {
  private state: Loaded | null = null;
  /** Bumped when storage changed under the copy in `state`: a write then running keeps none. */
  private generation = 0;
  /** Revisions this worker wrote whose change event has not come back yet. */
  private readonly ownRevs = new Set<number>();
  private readonly removing = new Set<string>();
  private waiting: Array<{
    records: Array<IntentRecord | OutcomeRecord>;
    done(error?: unknown): void;
  }> = [];
  private writing: Promise<void> | null = null;
  /** Outcomes a failed write did not store: they go with the next one. */
  private unwritten: OutcomeRecord[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Intents this worker recorded whose outcome is not recorded yet. */
  private readonly inFlight = new Map<string, IntentRecord>();
  /** Intents an earlier worker left open, as `unresolved` handed them out to be settled. */
  private readonly settling = new Map<string, IntentRecord>();
  private readonly entryListeners = new Set<(entry: AuditEntry) => void>();
  private failing: { since: number; quota: boolean } | null = null;
  private readonly listeners = new Set<() => void>();

  private readonly area: KeyValueArea;

  constructor(private readonly deps: AuditLogDeps) {
    this.area = pagesAsText(deps.area);
    deps.watch((changes) => this.onStorageChanged(changes));
  }

  /** Records an action before it is sent; throws AuditUnwritable (send nothing) if it cannot. */
  async begin(intent: IntentRecord): Promise<void> {
    const record = IntentRecordSchema.parse(intent);
    this.inFlight.set(record.id, record);
    try {
      await this.commit([record]);
    } catch (error) {
      this.inFlight.delete(record.id);
      throw new AuditUnwritable(isQuotaError(error));
    }
  }

  /**
   * Records what came of an action. Never throws: an outcome that cannot be written is kept.
   * The finished entry then goes to the entry listeners (audit delivery).
   */
  async finish(outcome: OutcomeRecord): Promise<void> {
    const record = OutcomeRecordSchema.parse(outcome);
    try {
      await this.commit([record]);
    } catch {
      // Kept in `unwritten` by the failed write; listed from there until it lands.
    } finally {
      const intent = this.inFlight.get(record.id) ?? this.settling.get(record.id);
      this.inFlight.delete(record.id);
      this.settling.delete(record.id);
      if (intent) {
        const entry = entryOf(intent, record);
        for (const listener of this.entryListeners) {
          try {
            listener(entry);
          } catch (error) {
            log.error('an entry listener failed', error);
          }
        }
      }
    }
  }

  /** Called with every entry once its outcome is recorded (not awaited: never slows an action). */
  onEntry(listener: (entry: AuditEntry) => void): void {
    this.entryListeners.add(listener);
  }

  async list(filter: AuditFilter = {}): Promise<AuditListing> {
    await this.idle();
    const { index } = await this.load();
    const keys = index.pages.map((p) => auditPageKey(p.n));
    const stored = keys.length > 0 ? await this.area.get(keys) : {};
    const { entries, skipped } = mergeRecords([
      ...keys.flatMap((key) => recordsOf(stored[key])),
      ...this.unwritten,
    ]);
    const { auditMaxEntries, auditRetentionDays } = await this.deps.settings();
    const oldest = this.deps.now() - auditRetentionDays * 86_400_000;
    const query = filter.userQuery?.trim().toLowerCase() ?? '';
    const kept = entries.filter((e) => e.at >= oldest).slice(-auditMaxEntries);
    return {
      entries: kept.filter(
        (e) =>
          (query === '' || e.userId.toLowerCase().includes(query)) &&
          (filter.profileId === undefined || e.profileId === filter.profileId) &&
          (filter.moderator === undefined || e.moderator === filter.moderator),
      ),
      moderators: [...new Set(kept.flatMap((e) => (e.moderator ? [e.moderator] : [])))].sort(),
      skipped,
      droppedForBudget: index.droppedForBudget,
      bytes:
        storedBytes(storedIndex(index).index) +
        storedBytes(storedIndex(index).list) +
        index.pages.reduce((sum, p) => sum + p.bytes, 0),
      budgetBytes: AUDIT_BUDGET_BYTES,
    };
  }

  /** The entries with these ids among those recorded since `since` (a bulk run picking up). */
  async entries(ids: ReadonlySet<string>, since: number): Promise<Map<string, AuditEntry>> {
    const entries = await this.entriesOnPagesSince(since);
    return new Map(entries.filter((e) => ids.has(e.id)).map((e) => [e.id, e]));
  }

  /** The entries whose outcome was recorded at or after `since` (the delivery catching up). */
  async finishedSince(since: number): Promise<AuditEntry[]> {
    const entries = await this.entriesOnPagesSince(since);
    return entries.filter((e) => e.outcome !== 'unknown' && (e.resolvedAt ?? e.at) >= since);
  }

  /** Every entry on the pages written to since `since` (and the outcomes not written yet). */
  private async entriesOnPagesSince(since: number): Promise<AuditEntry[]> {
    await this.idle();
    const { index } = await this.load();
    const keys = index.pages.filter((p) => p.newest >= since).map((p) => auditPageKey(p.n));
    const stored = keys.length > 0 ? await this.area.get(keys) : {};
    return mergeRecords([...keys.flatMap((key) => recordsOf(stored[key])), ...this.unwritten])
      .entries;
  }

  /** Intents recorded by an earlier worker that never got an outcome: to be resolved. */
  async unresolved(): Promise<IntentRecord[]> {
    await this.idle();
    const { index } = await this.load();
    const kept = new Set(this.unwritten.map((o) => o.id));
    const open = index.open.filter((o) => !this.inFlight.has(o.id) && !kept.has(o.id));
    if (open.length === 0) return [];
    const keys = [...new Set(open.map((o) => auditPageKey(o.page)))];
    const stored = await this.area.get(keys);
    const ids = new Set(open.map((o) => o.id));
    const found = new Map<string, IntentRecord>();
    for (const raw of keys.flatMap((key) => recordsOf(stored[key]))) {
      const parsed = IntentRecordSchema.safeParse(raw);
      if (parsed.success && ids.has(parsed.data.id) && !found.has(parsed.data.id))
        found.set(parsed.data.id, parsed.data);
    }
    for (const [id, intent] of found) this.settling.set(id, intent);
    return [...found.values()];
  }

  /** After "Forget everything": lets the writes under way finish, then keeps nothing in memory. */
  async reset(): Promise<void> {
    await this.idle();
    this.unwritten = [];
    this.inFlight.clear();
    this.settling.clear();
    this.forget();
    this.setFailing(null);
  }

  /** Whether an intent still has no outcome (stored or waiting to be), and is not in flight here. */
  async isOpen(id: string): Promise<boolean> {
    await this.idle();
    const { index } = await this.load();
    return (
      !this.inFlight.has(id) &&
      !this.unwritten.some((o) => o.id === id) &&
      index.open.some((o) => o.id === id)
    );
  }

  health(): AuditHealth {
    return { failingSince: this.failing?.since ?? null, quota: this.failing?.quota ?? false };
  }

  /** Called when writes start or stop failing (the badge shows it). */
  onHealthChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Resolves once everything handed over so far has been written (or has failed). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private commit(records: Array<IntentRecord | OutcomeRecord>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({
        records,
        done: (error) =>
          error === undefined
            ? resolve()
            : reject(
                error instanceof Error ? error : new Error('audit write failed', { cause: error }),
              ),
      });
      this.pump();
    });
  }

  /** Starts a write of everything waiting, unless one is running (it starts the next itself). */
  private pump(): void {
    if (this.writing || (this.waiting.length === 0 && this.unwritten.length === 0)) return;
    const batch = this.waiting.splice(0);
    const retried = this.unwritten.splice(0);
    const records = [...retried, ...batch.flatMap((b) => b.records)];
    this.writing = this.write(records)
      .then(
        () => {
          this.setFailing(null);
          for (const b of batch) b.done();
        },
        (error: unknown) => {
          log.error(`could not write ${records.length} audit records`, error);
          this.unwritten = [
            ...records.filter((r): r is OutcomeRecord => r.k === 'outcome'),
            ...this.unwritten,
          ];
          this.setFailing({
            since: this.failing?.since ?? this.deps.now(),
            quota: isQuotaError(error),
          });
          for (const b of batch) b.done(error ?? new Error('write failed'));
          this.retryTimer ??= setTimeout(() => {
            this.retryTimer = null;
            this.pump();
          }, RETRY_MS);
        },
      )
      .finally(() => {
        this.writing = null;
        if (this.waiting.length > 0) this.pump();
      });
  }

  private async write(records: ReadonlyArray<IntentRecord | OutcomeRecord>): Promise<void> {
    if (records.length === 0) return;
    const generation = this.generation;
    const loaded = await this.load();
    const { auditMaxEntries, auditRetentionDays } = await this.deps.settings();
    const appended = appendRecords(loaded.index, loaded.head, records);
    const index = appended.index;
    const { drop, forBudget } = pagesToDrop(
      index.pages,
      storedBytes(storedIndex(index).index) + loaded.listBytes,
      {
        oldestKept: this.deps.now() - auditRetentionDays * 86_400_000,
        maxEntries: auditMaxEntries,
        budgetBytes: AUDIT_BUDGET_BYTES,
      },
    );
    const dropped = new Set(index.pages.splice(0, drop).map((p) => p.n));
    for (const n of dropped) {
      index.trash.push(auditPageKey(n));
      appended.touched.delete(n);
    }
    index.open = index.open.filter((o) => !dropped.has(o.page));
    index.droppedForBudget += forBudget;
    index.rev = loaded.index.rev + 1;
    const listChanged =
      loaded.listStale || closedRange(index.pages) !== closedRange(loaded.index.pages);
    const next = await this.store(index, appended.touched, listChanged ? null : loaded.listBytes);
    next.head = appended.head;
    if (generation === this.generation) this.state = next;
    await this.emptyTrash(next);
  }

  /**
   * Writes the index, the pages given and (when `listBytes` is null) the list of closed pages,
   * in one `set`: storage holds the old log or the new one, never a mix.
   */
  private async store(
    index: AuditIndex,
    pages: ReadonlyMap<number, unknown[]>,
    listBytes: number | null,
  ): Promise<Loaded> {
    const split = storedIndex(index);
    const items: Record<string, unknown> = { [AUDIT_INDEX_KEY]: split.index };
    if (listBytes === null) items[AUDIT_PAGE_LIST_KEY] = split.list;
    for (const [n, pageRecords] of pages) items[auditPageKey(n)] = pageRecords;
    this.ownRevs.add(index.rev);
    try {
      await this.area.set(items);
    } catch (error) {
      this.ownRevs.delete(index.rev);
      throw error;
    }
    const head = pages.get(index.pages.at(-1)?.n ?? -1) ?? [];
    return { index, head, listBytes: listBytes ?? storedBytes(split.list), listStale: false };
  }

  private async load(): Promise<Loaded> {
    if (this.state) return this.state;
    const generation = this.generation;
    const stored = await this.area.get([
      AUDIT_INDEX_KEY,
      AUDIT_PAGE_LIST_KEY,
      ...LEGACY_AUDIT_KEYS,
    ]);
    let loaded: Loaded;
    if (stored[AUDIT_INDEX_KEY] === undefined && stored[LEGACY_AUDIT_KEYS[0]] !== undefined) {
      loaded = await this.migrate(stored[LEGACY_AUDIT_KEYS[0]]);
    } else if (stored[AUDIT_INDEX_KEY] === undefined && !(await this.hasPages())) {
      loaded = { index: emptyIndex(), head: [], listBytes: 0, listStale: false };
    } else {
      const parsed = StoredIndexSchema.safeParse(stored[AUDIT_INDEX_KEY]);
      const list = PageListSchema.safeParse(stored[AUDIT_PAGE_LIST_KEY] ?? []);
      const readable = parsed.success && list.success;
      const index = readable ? indexFromStored(parsed.data, list.data) : await this.rebuildIndex();
      const listBytes = list.success ? storedBytes(list.data) : 0;
      let last = index.pages.at(-1);
      // Read as stored: a head page an earlier version wrote as an array is counted again as
      // the text it becomes at its next write (escapes make it a few per cent larger).
      const storedHead = last
        ? (await this.deps.area.get(auditPageKey(last.n)))[auditPageKey(last.n)]
        : [];
      const head = fromJsonText(storedHead);
      if (last && Array.isArray(storedHead) && Array.isArray(head)) {
        const recounted = { ...last, bytes: storedBytes(toJsonText(head)) + 1 };
        index.pages = index.pages.map((p) => (p === last ? recounted : p));
        last = recounted;
      }
      if (last && !Array.isArray(head)) {
        // Not a list of records: kept as one unreadable record, and the page is closed.
        loaded = {
          index: {
            ...index,
            pages: index.pages.map((p) => (p === last ? { ...p, bytes: PAGE_BYTES } : p)),
          },
          head: [head],
          listBytes,
          listStale: !readable,
        };
      } else
        loaded = {
          index,
          head: (head as unknown[] | undefined) ?? [],
          listBytes,
          listStale: !readable,
        };
    }
    if (generation === this.generation) this.state = loaded;
    await this.emptyTrash(loaded);
    return loaded;
  }

  /**
   * Version 1 kept one array of finished entries under "auditLog": each becomes an intent and
   * its outcome, in pages; an entry that fits no schema is carried over as it is (skipped and
   * counted when read). The old key goes once the pages are written.
   */
  private async migrate(legacy: unknown): Promise<Loaded> {
    const records: unknown[] = [];
    for (const raw of Array.isArray(legacy) ? legacy : [legacy]) {
      const parsed = AuditEntrySchema.safeParse(raw);
      if (!parsed.success || parsed.data.outcome === 'unknown') {
        records.push(raw);
        continue;
      }
      const { outcome, errorCode, errorCategory, resolvedAt: _resolved, ...fields } = parsed.data;
      records.push({ k: 'intent', ...fields });
      records.push({
        k: 'outcome',
        id: fields.id,
        at: fields.at,
        outcome,
        errorCode,
        ...(errorCategory ? { errorCategory } : {}),
      });
    }
    const appended = appendRecords(emptyIndex(), [], records);
    const loaded = await this.store(
      { ...appended.index, rev: 1, trash: [...LEGACY_AUDIT_KEYS] },
      appended.touched,
      null,
    );
    log.warn(`audit log moved to pages: ${records.length} records`);
    return loaded;
  }

  /** Whether any page is stored (an index gone missing must not start the log over them). */
  private async hasPages(): Promise<boolean> {
    // Raw: only the keys matter, no page need be parsed.
    const everything = await this.deps.area.get(null as unknown as string[]);
    return Object.keys(everything).some((key) => key.startsWith(AUDIT_PAGE_PREFIX));
  }

  /** The index is unreadable: work it out again from the pages, which hold everything. */
  private async rebuildIndex(): Promise<AuditIndex> {
    const everything = await this.area.get(null as unknown as string[]);
    const pages = new Map<number, unknown>();
    for (const [key, value] of Object.entries(everything)) {
      const n = key.startsWith(AUDIT_PAGE_PREFIX)
        ? Number(key.slice(AUDIT_PAGE_PREFIX.length))
        : NaN;
      if (Number.isInteger(n)) pages.set(n, value);
    }
    log.warn(`audit index unreadable: rebuilt from ${pages.size} pages`);
    return indexFromPages(pages);
  }

  /**
   * Removes dropped pages (and the version-1 key) once the index no longer lists them. Never
   * fails the write it follows: what is not removed stays in the stored trash for next time.
   */
  private async emptyTrash(loaded: Loaded): Promise<void> {
    const keys = loaded.index.trash;
    if (keys.length === 0) return;
    for (const key of keys) this.removing.add(key);
    try {
      await this.area.remove([...keys]);
    } catch (error) {
      for (const key of keys) this.removing.delete(key);
      log.warn(`could not remove ${keys.length} dropped audit pages`, error);
      return;
    }
    // Stored as written until the next write; a worker stopped before it removes them again.
    if (this.state === loaded) this.state = { ...loaded, index: { ...loaded.index, trash: [] } };
  }

  private onStorageChanged(changes: Record<string, { newValue?: unknown }>): void {
    const keys = Object.keys(changes).filter(
      (key) =>
        key === AUDIT_INDEX_KEY || key === AUDIT_PAGE_LIST_KEY || key.startsWith(AUDIT_PAGE_PREFIX),
    );
    if (keys.length === 0) return;
    const index = changes[AUDIT_INDEX_KEY];
    if (index) {
      const rev = (index.newValue as { rev?: unknown } | undefined)?.rev;
      if (typeof rev !== 'number' || !this.ownRevs.delete(rev)) this.forget();
      return;
    }
    // Our own removal of dropped pages; anything else was written from elsewhere.
    if (keys.every((key) => changes[key]?.newValue === undefined && this.removing.delete(key)))
      return;
    this.forget();
  }

  private forget(): void {
    this.state = null;
    this.generation++;
  }

  private setFailing(failing: { since: number; quota: boolean } | null): void {
    const changed = (failing === null) !== (this.failing === null);
    this.failing = failing;
    if (changed) for (const listener of this.listeners) listener();
  }
}

/** A stored page's records; anything that is not a list counts as one unreadable record. */
function recordsOf(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isQuotaError(error: unknown): boolean {
  return /quota/i.test(String((error as { message?: unknown } | null)?.message ?? error));
}

/** Which pages are closed (they never change once closed): the list changes when this does. */
function closedRange(pages: readonly PageInfo[]): string {
  return pages.length < 2 ? '' : `${pages[0]!.n}-${pages.at(-2)!.n}`;
}

/**
 * The storage area as the audit log sees it: page values go in as JSON text and come out
 * parsed (a page an earlier version stored as an array reads as it is).
 */
function pagesAsText(area: KeyValueArea): KeyValueArea {
  const isPage = (key: string) => key.startsWith(AUDIT_PAGE_PREFIX);
  return {
    async get(keys) {
      const stored = await area.get(keys);
      for (const key of Object.keys(stored))
        if (isPage(key)) stored[key] = fromJsonText(stored[key]);
      return stored;
    },
    set(items) {
      const encoded: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(items))
        encoded[key] = isPage(key) ? toJsonText(value) : value;
      return area.set(encoded);
    },
    remove: (keys) => area.remove(keys),
    clear: () => area.clear(),
  };
}
