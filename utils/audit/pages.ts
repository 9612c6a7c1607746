import * as z from 'zod/mini';
import { toJsonText } from '../json-text';
import { STORED } from '../storage/keys';

/**
 * How the audit log is laid out in `storage.local`: records in pages (`auditPage.<n>`, each a
 * JSON array of at most PAGE_BYTES, stored as one JSON text: utils/json-text.ts); a small index
 * (`auditIndex`: the newest page, the intents with no outcome, counters) and the list of the
 * closed pages (`auditPageList`), which changes only when a page closes or old pages go. An
 * append rewrites the newest page and the small index, so its cost does not grow with the log;
 * pruning drops whole pages from the old end.
 */
export const AUDIT_INDEX_KEY = STORED.auditIndex.key;
export const AUDIT_PAGE_LIST_KEY = STORED.auditPageList.key;
export const AUDIT_PAGE_PREFIX = STORED.auditPage.key;
/** Where version 1 kept the whole log as one array (WXT keeps its version under `$`). */
export const LEGACY_AUDIT_KEYS = [
  STORED.legacyAuditLog.key,
  `${STORED.legacyAuditLog.key}$`,
] as const;

/** A page is closed once it holds this many bytes of records. */
export const PAGE_BYTES = 64 * 1024;
/**
 * The most the audit log may take, index included: 20,000 typical entries (about 800 bytes with
 * their outcome) fit with room to spare; long page URLs and reasons make the count smaller, and
 * the oldest pages go first. The extension asks for `unlimitedStorage`, so this budget, not
 * the browser's 10 MiB, is what keeps the vault's writes safe.
 */
export const AUDIT_BUDGET_BYTES = 24 * 1024 * 1024;

export function auditPageKey(n: number): string {
  return `${AUDIT_PAGE_PREFIX}${n}`;
}

export const PageInfoSchema = z.strictObject({
  n: z.int(),
  /** Intents (one per entry) in the page. */
  entries: z.int(),
  bytes: z.int(),
  /** The newest record's time: a page older than the retention goes as a whole. */
  newest: z.number(),
});
export type PageInfo = z.infer<typeof PageInfoSchema>;

/** The index as stored: the newest page stands alone; the closed ones are in the page list. */
export const StoredIndexSchema = z.strictObject({
  version: z.literal(2),
  /** Counts writes: a change event carrying another revision came from somewhere else. */
  rev: z.int(),
  /** The number the next page gets. */
  next: z.int(),
  head: z.nullable(PageInfoSchema),
  /** Intents with no outcome yet, and the page each is in. */
  open: z.array(z.strictObject({ id: z.string().check(z.maxLength(64)), page: z.int() })),
  /** Keys to remove (dropped pages, the version-1 log): removed after the index is written. */
  trash: z.array(z.string().check(z.maxLength(64))),
  /** Entries dropped to stay inside the byte budget before their age or count limit. */
  droppedForBudget: z.int(),
});
export type StoredIndex = z.infer<typeof StoredIndexSchema>;
export const PageListSchema = z.array(PageInfoSchema);

/** The index in memory: every page, oldest first (the last one is the newest, still open). */
export type AuditIndex = Omit<StoredIndex, 'head'> & { pages: PageInfo[] };

export function emptyIndex(): AuditIndex {
  return { version: 2, rev: 0, next: 0, pages: [], open: [], trash: [], droppedForBudget: 0 };
}

/** The index split for storage: the small part written with every append, and the list. */
export function storedIndex(index: AuditIndex): { index: StoredIndex; list: PageInfo[] } {
  const { pages, ...rest } = index;
  return { index: { ...rest, head: pages.at(-1) ?? null }, list: pages.slice(0, -1) };
}

export function indexFromStored(index: StoredIndex, list: readonly PageInfo[]): AuditIndex {
  const { head, ...rest } = index;
  return { ...rest, pages: head ? [...list, head] : [...list] };
}

const encoder = new TextEncoder();

/**
 * The bytes a value takes as JSON in UTF-8: what the budget counts. (Chromium's own count is a
 * little higher, about 1%: it adds key names and writes times as `1.76e+12`.)
 */
export function storedBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/**
 * The bytes a record adds to a page stored as JSON text: its JSON as it appears inside that
 * text once stored (each quote and backslash escaped).
 */
export function recordBytes(record: unknown): number {
  return storedBytes(JSON.stringify(record)) - 2;
}

/** A new page's bytes before its first record: `"[]"` as stored. */
const EMPTY_PAGE_BYTES = 4;

export interface PruneLimits {
  /** Pages whose newest record is older than this go. */
  oldestKept: number;
  /** Keep at least this many entries while the count limit allows (drop a page only if the
   * rest still hold as many). */
  maxEntries: number;
  budgetBytes: number;
}

/**
 * The pages to drop from the old end, never the newest: those past the retention, those the
 * count limit no longer needs, then as many as it takes to fit the byte budget.
 */
export function pagesToDrop(
  pages: readonly PageInfo[],
  indexBytes: number,
  limits: PruneLimits,
): { drop: number; forBudget: number } {
  let entries = pages.reduce((sum, p) => sum + p.entries, 0);
  let bytes = indexBytes + pages.reduce((sum, p) => sum + p.bytes, 0);
  let drop = 0;
  let forBudget = 0;
  while (drop < pages.length - 1) {
    const oldest = pages[drop]!;
    const byAge = oldest.newest < limits.oldestKept;
    const byCount = entries - oldest.entries >= limits.maxEntries;
    const byBudget = bytes > limits.budgetBytes;
    if (!byAge && !byCount && !byBudget) break;
    if (!byAge && !byCount) forBudget += oldest.entries;
    entries -= oldest.entries;
    bytes -= oldest.bytes;
    drop++;
  }
  return { drop, forBudget };
}

/** A record's time, when it has one (a malformed record may not). */
function timeOf(record: unknown): number | null {
  const at = (record as { at?: unknown } | null)?.at;
  return typeof at === 'number' ? at : null;
}

function kindOf(record: unknown): { intent: boolean; id: string | null } {
  const r = record as { k?: unknown; id?: unknown } | null;
  return { intent: r?.k === 'intent', id: typeof r?.id === 'string' ? r.id : null };
}

export interface Appended {
  index: AuditIndex;
  /** The newest page's records. */
  head: unknown[];
  /** The pages this append changed, by number, with their records. */
  touched: Map<number, unknown[]>;
}

/**
 * Adds records at the end: to the newest page while it has room, then to new pages; keeps the
 * list of intents with no outcome. Pure: the index and head given are not changed.
 */
export function appendRecords(
  index: AuditIndex,
  head: readonly unknown[],
  records: readonly unknown[],
): Appended {
  const next: AuditIndex = {
    ...index,
    pages: [...index.pages],
    open: [...index.open],
    trash: [...index.trash],
  };
  let current = [...head];
  // Only the newest page changes (closed ones are shared with the index given, untouched).
  let page = next.pages.at(-1);
  if (page) {
    page = { ...page };
    next.pages[next.pages.length - 1] = page;
  }
  const touched = new Map<number, unknown[]>();
  const open = new Map(next.open.map((o) => [o.id, o.page]));
  for (const record of records) {
    const bytes = recordBytes(record) + 1;
    const at = timeOf(record);
    if (!page || (current.length > 0 && page.bytes + bytes > PAGE_BYTES)) {
      page = { n: next.next++, entries: 0, bytes: EMPTY_PAGE_BYTES, newest: at ?? 0 };
      next.pages.push(page);
      current = [];
    }
    current.push(record);
    page.bytes += bytes;
    if (at !== null) page.newest = Math.max(page.newest, at);
    const { intent, id } = kindOf(record);
    if (intent) page.entries++;
    if (id !== null && intent && !open.has(id)) open.set(id, page.n);
    else if (id !== null && !intent && (record as { k?: unknown }).k === 'outcome') open.delete(id);
    touched.set(page.n, current);
  }
  next.open = [...open].map(([id, n]) => ({ id, page: n }));
  return { index: next, head: current, touched };
}

/** An index worked out again from the pages themselves (when the stored one is unreadable). */
export function indexFromPages(
  pages: ReadonlyMap<number, unknown>,
  droppedForBudget = 0,
): AuditIndex {
  const numbers = [...pages.keys()].sort((a, b) => a - b);
  const open = new Map<string, number>();
  const infos: PageInfo[] = [];
  for (const n of numbers) {
    const value = pages.get(n);
    const records = Array.isArray(value) ? value : [value];
    let entries = 0;
    let newest = 0;
    for (const record of records) {
      const { intent, id } = kindOf(record);
      newest = Math.max(newest, timeOf(record) ?? 0);
      if (intent) entries++;
      if (id !== null && intent && !open.has(id)) open.set(id, n);
      else if (id !== null && (record as { k?: unknown }).k === 'outcome') open.delete(id);
    }
    // Counted as text, as every page is written now; a closed page an earlier version stored
    // as an array is counted a few per cent over (it goes a little early, never late).
    infos.push({ n, entries, bytes: storedBytes(toJsonText(value)), newest });
  }
  return {
    ...emptyIndex(),
    next: (numbers.at(-1) ?? -1) + 1,
    pages: infos,
    open: [...open].map(([id, page]) => ({ id, page })),
    droppedForBudget,
  };
}
