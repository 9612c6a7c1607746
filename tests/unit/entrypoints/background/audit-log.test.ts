import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AuditLog, AuditUnwritable } from '../../../../entrypoints/background/audit-log';
import type { KeyValueArea } from '../../../../entrypoints/background/vault-service';
import {
  AUDIT_BUDGET_BYTES,
  AUDIT_INDEX_KEY,
  AUDIT_PAGE_LIST_KEY,
  PAGE_BYTES,
  auditPageKey,
  indexFromStored,
  storedIndex as splitIndex,
  type AuditIndex,
  type PageInfo,
  type StoredIndex,
} from '../../../../utils/audit/pages';
import type { IntentRecord, OutcomeRecord } from '../../../../utils/audit/records';
import { DEFAULT_SETTINGS, type Settings } from '../../../../utils/settings';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const local = fakeBrowser.storage.local as unknown as KeyValueArea;

function intent(id: string, at = NOW, extra: Partial<IntentRecord> = {}): IntentRecord {
  return {
    k: 'intent',
    id,
    at,
    profileId: 'demo',
    appLabel: 'Demo community',
    sdkAppId: 1400187352,
    environment: 'production',
    userId: `user_${id}`,
    action: 'mute',
    scopes: { c2c: true, group: true },
    previous: { c2c: { kind: 'none' }, group: { kind: 'none' } },
    next: {
      c2c: { kind: 'timed', until: at + 3_600_000 },
      group: { kind: 'timed', until: at + 3_600_000 },
    },
    seconds: 3600,
    reason: 'spam',
    source: 'bulk',
    ...extra,
  };
}

function ok(id: string, at = NOW): OutcomeRecord {
  return { k: 'outcome', id, at, outcome: 'ok', errorCode: null };
}

/** An audit log over the fake browser's storage; `area` may wrap it to count or fail writes. */
function auditLog(
  options: { area?: KeyValueArea; settings?: Partial<Settings>; now?: () => number } = {},
) {
  return new AuditLog({
    area: options.area ?? local,
    watch: (listener) =>
      fakeBrowser.storage.onChanged.addListener((changes, area) => {
        if (area === 'local') listener(changes);
      }),
    settings: async () => ({ ...DEFAULT_SETTINGS, ...options.settings }),
    now: options.now ?? (() => NOW),
  });
}

/** The fake storage, with every write's keys and size recorded and failures on demand. */
function recordingArea() {
  const writes: Array<{ keys: string[]; bytes: number; sizes: Record<string, number> }> = [];
  let failWith: Error | null = null;
  const area: KeyValueArea = {
    get: (keys) => local.get(keys),
    remove: (keys) => local.remove(keys),
    clear: () => local.clear(),
    async set(items) {
      if (failWith) throw failWith;
      writes.push({
        keys: Object.keys(items),
        bytes: JSON.stringify(items).length,
        sizes: Object.fromEntries(
          Object.entries(items).map(([key, value]) => [key, JSON.stringify(value).length]),
        ),
      });
      await local.set(items);
    },
  };
  return { area, writes, fail: (error: Error | null) => (failWith = error) };
}

/** The index as storage holds it, with its list of closed pages put back. */
async function storedIndex(): Promise<AuditIndex> {
  const stored = await local.get([AUDIT_INDEX_KEY, AUDIT_PAGE_LIST_KEY]);
  return indexFromStored(
    stored[AUDIT_INDEX_KEY] as StoredIndex,
    (stored[AUDIT_PAGE_LIST_KEY] ?? []) as PageInfo[],
  );
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe('AuditLog', () => {
  it('lists the entries finished since a time (answered, or settled later), never the open ones', async () => {
    const audit = auditLog();
    await audit.begin(intent('old', NOW - 60_000));
    await audit.finish(ok('old', NOW - 59_000));
    await audit.begin(intent('new', NOW - 1000));
    await audit.finish(ok('new', NOW - 900));
    await audit.begin(intent('open', NOW - 500));
    await audit.begin(intent('settled', NOW - 120_000));
    await audit.finish({ ...ok('settled', NOW - 100), resolved: true });
    expect((await audit.finishedSince(NOW - 10_000)).map((e) => e.id).sort()).toEqual([
      'new',
      'settled',
    ]);
  });

  it('hands every finished entry to its listeners, a settled one from an earlier worker too', async () => {
    const before = auditLog();
    await before.begin(intent('left'));
    const audit = auditLog();
    const seen: Array<{ id: string; outcome: string; moderator?: string }> = [];
    audit.onEntry((e) => seen.push({ id: e.id, outcome: e.outcome, moderator: e.moderator }));
    await audit.begin(intent('a', NOW, { moderator: 'mod-night-1' }));
    expect(seen).toEqual([]);
    await audit.finish(ok('a', NOW + 40));
    const [open] = await audit.unresolved();
    await audit.finish({ ...ok(open!.id, NOW + 50), outcome: 'failed', resolved: true });
    // An outcome whose intent this worker never saw is recorded, and handed to no one.
    await audit.finish(ok('stranger'));
    expect(seen).toEqual([
      { id: 'a', outcome: 'ok', moderator: 'mod-night-1' },
      { id: 'left', outcome: 'failed', moderator: undefined },
    ]);
  });

  it('merges an intent and its outcome into one entry; an intent alone is "unknown"', async () => {
    const audit = auditLog();
    await audit.begin(intent('a'));
    await audit.finish(ok('a', NOW + 40));
    await audit.begin(intent('b'));
    const { entries } = await audit.list();
    expect(entries.map((e) => [e.id, e.outcome, e.at])).toEqual([
      ['a', 'ok', NOW + 40],
      ['b', 'unknown', NOW],
    ]);
    expect((await storedIndex()).open).toEqual([{ id: 'b', page: 0 }]);
  });

  it('an append writes only the newest page and a small index, however long the log', async () => {
    const { area, writes } = recordingArea();
    const audit = auditLog({ area, settings: { auditMaxEntries: 20_000 } });
    for (let i = 0; i < 2000; i++) {
      await audit.begin(intent(`e${i}`));
      await audit.finish(ok(`e${i}`));
    }
    const index = await storedIndex();
    expect(index.pages.length).toBeGreaterThan(10);
    expect(writes).toHaveLength(4000);
    // Most writes: the index and the newest page. When a page closes, the list of closed pages
    // goes too (and a new page starts): once per page, not once per append.
    const withList = writes.filter((w) => w.keys.includes(AUDIT_PAGE_LIST_KEY));
    expect(withList.length).toBe(index.pages.length - 1);
    for (const write of writes) {
      expect(write.keys).toContain(AUDIT_INDEX_KEY);
      const pages = write.keys.filter((k) => k.startsWith('auditPage.'));
      expect(pages).toHaveLength(1);
      expect(write.sizes[pages[0]!]).toBeLessThanOrEqual(PAGE_BYTES);
    }
    // The index written with every append does not grow with the log.
    const indexSizes = writes.map((w) => w.sizes[AUDIT_INDEX_KEY]!);
    expect(Math.max(...indexSizes.slice(-500))).toBeLessThanOrEqual(
      Math.max(...indexSizes.slice(0, 500)) + 16,
    );
    expect((await audit.list()).entries).toHaveLength(2000);
  });

  it('records that arrive during a write go together in the next one (group commit)', async () => {
    const { area, writes } = recordingArea();
    const audit = auditLog({ area });
    await Promise.all(Array.from({ length: 50 }, (_, i) => audit.begin(intent(`g${i}`))));
    expect(writes.length).toBeLessThanOrEqual(2);
    expect((await audit.list()).entries).toHaveLength(50);
  });

  it('drops whole old pages past the retention and the count, never entries still wanted', async () => {
    let now = NOW - 100 * DAY;
    const audit = auditLog({
      settings: { auditMaxEntries: 100, auditRetentionDays: 90 },
      now: () => now,
    });
    for (let i = 0; i < 400; i++) {
      await audit.begin(intent(`c${i}`, now));
      await audit.finish(ok(`c${i}`, now));
    }
    const afterCount = await storedIndex();
    const kept = afterCount.pages.reduce((sum, p) => sum + p.entries, 0);
    expect(kept).toBeGreaterThanOrEqual(100);
    expect(kept).toBeLessThan(400);
    expect((await audit.list()).entries.map((e) => e.id)).toEqual(
      Array.from({ length: 100 }, (_, i) => `c${300 + i}`),
    );
    // 100 days on, everything older than 90 days goes with the next write.
    now = NOW;
    await audit.begin(intent('fresh', now));
    expect((await audit.list()).entries.map((e) => e.id)).toEqual(['fresh']);
    expect((await storedIndex()).pages).toHaveLength(1);
    expect(
      Object.keys(await local.get(null as unknown as string[])).filter((k) =>
        k.startsWith('auditPage.'),
      ),
    ).toEqual([auditPageKey((await storedIndex()).pages[0]!.n)]);
    expect((await storedIndex()).droppedForBudget).toBe(0);
  });

  it('stays inside its byte budget: the oldest pages go, and how many entries is counted', async () => {
    // Pages of 30 entries with long URLs: 25 MiB in about 11,000 entries, more than the budget,
    // within the retention and the count. Seeded as an earlier version stored them (arrays,
    // counted without escapes); the E2E budget test seeds today's text pages.
    const page = Array.from({ length: 30 }, (_, i) => [
      intent(`p${i}`, NOW - DAY, {
        reason: 'x'.repeat(200),
        pageUrl: `https://console.example/${'q'.repeat(1800)}`,
      }),
      ok(`p${i}`, NOW - DAY),
    ]).flat();
    const bytes = JSON.stringify(page).length;
    const pages = Math.ceil((AUDIT_BUDGET_BYTES * 1.05) / bytes);
    const items: Record<string, unknown> = {};
    for (let n = 0; n < pages; n++) items[auditPageKey(n)] = page;
    const index: AuditIndex = {
      version: 2,
      rev: 1,
      next: pages,
      pages: Array.from({ length: pages }, (_, n) => ({
        n,
        entries: 30,
        bytes,
        newest: NOW - DAY,
      })),
      open: [],
      trash: [],
      droppedForBudget: 0,
    };
    const split = splitIndex(index);
    await local.set({
      ...items,
      [AUDIT_INDEX_KEY]: split.index,
      [AUDIT_PAGE_LIST_KEY]: split.list,
    });
    const audit = auditLog({ settings: { auditMaxEntries: 20_000, auditRetentionDays: 3650 } });
    await audit.begin(intent('new'));
    await audit.finish(ok('new'));
    const listing = await audit.list();
    expect(listing.bytes).toBeLessThanOrEqual(AUDIT_BUDGET_BYTES);
    expect(listing.droppedForBudget).toBeGreaterThan(0);
    expect(listing.droppedForBudget % 30).toBe(0);
    expect(listing.entries.at(-1)).toMatchObject({ id: 'new', outcome: 'ok' });
    const stored = Object.keys(await local.get(null as unknown as string[])).filter((k) =>
      k.startsWith('auditPage.'),
    );
    expect(stored).toHaveLength((await storedIndex()).pages.length);
  });

  it('stores each page as one JSON text and counts its bytes as stored, escapes included', async () => {
    const audit = auditLog();
    for (const id of ['a', 'b', 'c']) {
      await audit.begin(intent(id, NOW, { reason: 'said "stop" \\ twice' }));
      await audit.finish(ok(id));
    }
    const key = auditPageKey(0);
    const stored = (await local.get(key))[key];
    expect(typeof stored).toBe('string');
    expect((JSON.parse(stored as string) as unknown[]).length).toBe(6);
    // What the budget counts for the page: its text as storage writes it (one comma too many).
    const counted = (await storedIndex()).pages[0]!.bytes;
    expect(counted - 1).toBe(new TextEncoder().encode(JSON.stringify(stored)).length);
  });

  it('reads a page an earlier version stored as an array, and appends after it', async () => {
    const audit = auditLog();
    await audit.begin(intent('a'));
    await audit.finish(ok('a'));
    const key = auditPageKey(0);
    const array = JSON.parse((await local.get(key))[key] as string) as unknown[];
    // As an earlier version left it: the page an array, its bytes counted without escapes.
    const index = (await local.get(AUDIT_INDEX_KEY))[AUDIT_INDEX_KEY] as StoredIndex;
    index.head!.bytes = new TextEncoder().encode(JSON.stringify(array)).length + 1;
    await local.set({ [key]: array, [AUDIT_INDEX_KEY]: index });
    // A worker started after the upgrade: it loads the array page, then appends to it.
    const upgraded = auditLog();
    await upgraded.begin(intent('b', NOW, { reason: 'said "stop"' }));
    await upgraded.finish(ok('b'));
    const listing = await auditLog().list();
    expect(listing.entries.map((e) => e.id)).toEqual(['a', 'b']);
    expect(listing.skipped).toBe(0);
    // Written back as text, and counted as that text (escapes included; one comma too many).
    const stored = (await local.get(key))[key];
    expect(typeof stored).toBe('string');
    const counted = (await storedIndex()).pages[0]!.bytes;
    expect(counted - 1).toBe(new TextEncoder().encode(JSON.stringify(stored)).length);
  });

  it('skips and counts a malformed record, keeps it, and goes on appending', async () => {
    const audit = auditLog();
    await audit.begin(intent('a'));
    await audit.finish(ok('a'));
    const key = auditPageKey(0);
    const page = JSON.parse((await local.get(key))[key] as string) as unknown[];
    await local.set({ [key]: JSON.stringify([...page, { k: 'intent', id: 42, junk: true }]) });
    await audit.begin(intent('b'));
    await audit.finish(ok('b'));
    const listing = await audit.list();
    expect(listing.entries.map((e) => e.id)).toEqual(['a', 'b']);
    expect(listing.skipped).toBe(1);
    expect((JSON.parse((await local.get(key))[key] as string) as unknown[])[2]).toEqual({
      k: 'intent',
      id: 42,
      junk: true,
    });
  });

  it('rebuilds an unreadable index from the pages, losing nothing', async () => {
    const audit = auditLog();
    for (const id of ['a', 'b', 'c']) {
      await audit.begin(intent(id));
      if (id !== 'c') await audit.finish(ok(id));
    }
    await local.set({ [AUDIT_INDEX_KEY]: { version: 2, pages: 'garbage' } });
    const restarted = auditLog();
    await restarted.finish(ok('c'));
    expect((await restarted.list()).entries.map((e) => [e.id, e.outcome])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
      ['c', 'ok'],
    ]);
    expect((await storedIndex()).open).toEqual([]);
  });

  it('migrates the version-1 log: the same entries, an unreadable one kept and counted', async () => {
    const v1 = JSON.parse(readFileSync('tests/fixtures/audit/v1-audit-log.json', 'utf8')) as Record<
      string,
      unknown
    >;
    await local.set(v1);
    const audit = auditLog({ now: () => Date.UTC(2026, 10, 26) });
    const listing = await audit.list();
    const legacy = (v1['auditLog'] as Array<Record<string, unknown>>).filter(
      (e) => typeof e['userId'] === 'string',
    );
    expect(listing.entries).toEqual(legacy);
    expect(listing.skipped).toBe(1);
    const keys = Object.keys(await local.get(null as unknown as string[]));
    expect(keys).not.toContain('auditLog');
    expect(keys).not.toContain('auditLog$');
    // And it carries on from there.
    await audit.begin(intent('after', Date.UTC(2026, 10, 26)));
    expect((await audit.list()).entries).toHaveLength(legacy.length + 1);
  });

  it('refuses an intent it cannot write, keeps an outcome it cannot write, and says so until a write lands', async () => {
    const { area, fail } = recordingArea();
    const audit = auditLog({ area });
    const changes = vi.fn();
    audit.onHealthChange(changes);
    await audit.begin(intent('a'));
    fail(new Error('Resource::kQuotaBytes quota exceeded'));
    await audit.finish(ok('a'));
    expect(audit.health()).toEqual({ failingSince: NOW, quota: true });
    await expect(audit.begin(intent('b'))).rejects.toEqual(new AuditUnwritable(true));
    // Listed from memory meanwhile.
    expect((await audit.list()).entries.map((e) => [e.id, e.outcome])).toEqual([['a', 'ok']]);
    fail(null);
    await audit.begin(intent('c'));
    expect(audit.health().failingSince).toBeNull();
    expect(changes).toHaveBeenCalledTimes(2);
    // The kept outcome went with that write.
    const restarted = auditLog();
    expect((await restarted.list()).entries.map((e) => [e.id, e.outcome])).toEqual([
      ['a', 'ok'],
      ['c', 'unknown'],
    ]);
  });

  it('lists as unresolved only the intents an earlier worker left open', async () => {
    const before = auditLog();
    await before.begin(intent('left'));
    await before.begin(intent('done'));
    await before.finish(ok('done'));
    const after = auditLog();
    await after.begin(intent('mine'));
    expect((await after.unresolved()).map((i) => i.id)).toEqual(['left']);
  });

  it('notices a change from elsewhere and reads storage again (a wipe leaves an empty log)', async () => {
    const audit = auditLog();
    await audit.begin(intent('a'));
    await local.clear();
    await audit.begin(intent('b'));
    expect((await audit.list()).entries.map((e) => e.id)).toEqual(['b']);
  });

  it('a dropped page that cannot be removed fails nothing: it stays in the trash for next time', async () => {
    const failing: KeyValueArea = {
      get: (k) => local.get(k),
      set: (items) => local.set(items),
      clear: () => local.clear(),
      remove: () => Promise.reject(new Error('busy')),
    };
    let now = NOW - 100 * DAY;
    const audit = auditLog({
      area: failing,
      settings: { auditMaxEntries: 100, auditRetentionDays: 90 },
      now: () => now,
    });
    for (let i = 0; i < 300; i++) await audit.begin(intent(`t${i}`, now));
    now = NOW;
    await audit.begin(intent('after', now));
    expect((await audit.list()).entries.map((e) => e.id)).toEqual(['after']);
    expect(audit.health().failingSince).toBeNull();
    expect((await storedIndex()).trash.length).toBeGreaterThan(0);
    // Removed by a later write that can.
    const later = auditLog({ settings: { auditMaxEntries: 100, auditRetentionDays: 90 } });
    await later.begin(intent('later'));
    const keys = Object.keys(await local.get(null as unknown as string[]));
    expect(keys.filter((k) => k.startsWith('auditPage.'))).toHaveLength(
      (await storedIndex()).pages.length,
    );
  });

  it('an index gone missing while its pages remain: rebuilt from them, never started over', async () => {
    const audit = auditLog({ settings: { auditMaxEntries: 20_000 } });
    for (let i = 0; i < 300; i++) {
      await audit.begin(intent(`m${i}`));
      await audit.finish(ok(`m${i}`));
    }
    await local.remove([AUDIT_INDEX_KEY, AUDIT_PAGE_LIST_KEY]);
    const restarted = auditLog({ settings: { auditMaxEntries: 20_000 } });
    await restarted.begin(intent('next'));
    expect((await restarted.list()).entries).toHaveLength(301);
  });
});
