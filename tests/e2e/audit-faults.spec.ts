import type { CDPSession, Page } from '@playwright/test';
import { DEMO_APP, generatedUsers } from '../support/demo-seed';
import { expect, PASSPHRASE, setUpDemoApp, test } from './fixtures';
import { openPopup, pickDuration } from '../support/operator';
import { runMenu } from '../support/worker-handlers';

/**
 * The audit log under faults, through the production build: a bulk run whose worker is killed
 * at seeded points, a page URL too long to keep, a corrupt stored record, and a log at its byte
 * budget. Replay a failing kill sequence with FAULT_SEED=<the printed seed>.
 */

const APP = DEMO_APP.sdkAppId;
/** AUDIT_BUDGET_BYTES in utils/audit/pages.ts. */
const BUDGET = 24 * 1024 * 1024;
/** PAGE_BYTES in utils/audit/pages.ts. */
const PAGE_BYTES = 64 * 1024;
const MAX_PAGE_URL = 2048;

/** The parts of the extension API the tests call from an extension page. */
interface ExtensionApi {
  storage: {
    local: {
      get(keys: string | string[] | null): Promise<Record<string, unknown>>;
      set(items: Record<string, unknown>): Promise<void>;
      getBytesInUse(keys: string | string[] | null): Promise<number>;
    };
  };
  runtime: { sendMessage(message: unknown): Promise<unknown> };
}

interface PageInfo {
  n: number;
  entries: number;
  bytes: number;
  newest: number;
}

/** `auditIndex` as stored (utils/audit/pages.ts): the newest page; closed ones in `auditPageList`. */
interface StoredIndex {
  version: 2;
  rev: number;
  next: number;
  head: PageInfo | null;
  open: Array<{ id: string; page: number }>;
  trash: string[];
  droppedForBudget: number;
}

/** The stored index with every page, oldest first (read in the page: see `readLayout`). */
type Layout = StoredIndex & { pages: PageInfo[] };

interface ListedEntry {
  id: string;
  userId: string;
  source: string;
  action: string;
  outcome: 'ok' | 'failed' | 'unknown';
  pageUrl?: string;
  resolvedAt?: number;
}

interface Listing {
  entries: ListedEntry[];
  skipped: number;
  droppedForBudget: number;
  bytes: number;
  budgetBytes: number;
}

/** Mutes one user from the popup's Mute tab with its defaults (1 hr, both scopes). */
async function muteFromPopup(popup: Page, userId: string) {
  await popup.getByLabel('User ID').fill(userId);
  await expect(popup.locator('#mute-state')).toHaveText('Not muted');
  await popup.getByRole('button', { name: `Mute ${userId}` }).click();
  await expect(
    popup.getByRole('status').filter({ hasText: `Muted ${userId} for 1 hr` }),
  ).toBeVisible();
}

/** The worker's own audit listing, as the options page asks for it. */
async function auditList(page: Page): Promise<Listing> {
  const reply = (await page.evaluate(() => {
    const { chrome } = globalThis as unknown as { chrome: ExtensionApi };
    return chrome.runtime.sendMessage({ type: 'audit.list' });
  })) as { ok: boolean; json?: string; error?: unknown };
  expect(reply, 'audit.list answers').toMatchObject({ ok: true });
  return JSON.parse(reply.json as string) as Listing;
}

/**
 * Reads the stored index and the list of closed pages, from an extension page (the worker is
 * not involved). Its source is passed into `page.evaluate`, so it uses nothing from outside.
 */
async function readLayout(): Promise<Layout> {
  const { chrome } = globalThis as unknown as { chrome: ExtensionApi };
  const stored = await chrome.storage.local.get(['auditIndex', 'auditPageList']);
  const index = stored.auditIndex as StoredIndex;
  const closed = (stored.auditPageList ?? []) as PageInfo[];
  return { ...index, pages: index.head ? [...closed, index.head] : closed };
}

async function storedIndex(page: Page): Promise<Layout> {
  return page.evaluate(readLayout);
}

/** The extension's service-worker targets, as Chromium lists them (ids). */
async function workerTargets(cdp: CDPSession, extensionId: string): Promise<string[]> {
  const { targetInfos } = (await cdp.send('Target.getTargets')) as {
    targetInfos: Array<{ targetId: string; type: string; url: string }>;
  };
  return targetInfos
    .filter((t) => t.type === 'service_worker' && t.url.includes(extensionId))
    .map((t) => t.targetId);
}

/**
 * A worker Chromium starts again gets this long to take the event it was started for before it
 * is stopped too; well inside RESUME_GUARD_MS (1,050 ms), so it cannot have sent anything.
 */
const RESTART_GRACE_MS = 300;

/**
 * Stops the extension's worker the way Chromium does when it idles (closing its target, as
 * stopServiceWorker does) until none has run for 300 ms. Chromium starts a stopped worker again
 * for an event still owed to it (a storage change the killed worker's last write caused); if that
 * worker is stopped before it takes the event, the event stays owed and Chromium starts it again,
 * forever on a slow machine (60 stops in CI when each came 50 ms after the start). So the running
 * worker is stopped at once, and one started again is given RESTART_GRACE_MS first; it waits
 * RESUME_GUARD_MS before it sends anything. Returns the stops it took.
 */
async function stopWorkerForGood(cdp: CDPSession, extensionId: string): Promise<number> {
  let closes = 0;
  for (let round = 0; round < 30; round++) {
    const running = await workerTargets(cdp, extensionId);
    if (running.length === 0) {
      await sleep(300);
      if ((await workerTargets(cdp, extensionId)).length === 0) return closes;
      continue;
    }
    if (closes > 0) await sleep(RESTART_GRACE_MS);
    for (const targetId of await workerTargets(cdp, extensionId)) {
      // It may be gone already: then there is nothing to close.
      await cdp.send('Target.closeTarget', { targetId }).catch(() => {});
      closes++;
    }
    await sleep(50);
  }
  throw new Error(`the worker kept starting again after ${closes} stops`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A small seeded generator (mulberry32): the same seed gives the same kill points. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Five counts of setnospeaking requests in 20..980, at least 100 apart, from the seed. */
function killPoints(seed: number, count = 5, gap = 100, low = 20, high = 980): number[] {
  const random = seededRandom(seed);
  const slack = high - low - gap * (count - 1);
  return Array.from({ length: count }, () => Math.floor(random() * (slack + 1)))
    .sort((a, b) => a - b)
    .map((offset, i) => low + offset + i * gap);
}

test('a 1,000-ID bulk run killed at 5 seeded points: every ID muted once in the audit log, only in-flight IDs re-sent', async ({
  extension,
  emulator,
}) => {
  test.setTimeout(150_000);
  const seed =
    process.env.FAULT_SEED !== undefined && process.env.FAULT_SEED !== ''
      ? Number(process.env.FAULT_SEED)
      : Math.floor(Math.random() * 2 ** 31);
  expect(Number.isInteger(seed), 'FAULT_SEED is an integer').toBe(true);
  const points = killPoints(seed);
  console.log(`audit-faults: FAULT_SEED=${seed} kill points ${points.join(', ')}`);

  const options = await setUpDemoApp(extension);
  const users = generatedUsers(1000);
  const popup = await openPopup(extension);
  await popup.getByRole('tab', { name: 'Bulk' }).click();
  await popup.getByLabel('User IDs').fill(users.join('\n'));
  await pickDuration(popup, '1 day');
  await popup.getByRole('button', { name: 'Check them first (dry run)' }).click();
  await expect(popup.getByRole('button', { name: 'Apply to 1,000 users' })).toBeVisible({
    timeout: 30_000,
  });
  await popup.getByRole('button', { name: 'Apply to 1,000 users' }).click();
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText('Mute 1,000 users for 1 day on Demo community (PROD)?');
  await dialog.getByRole('button', { name: 'Apply to 1,000 users' }).click();

  const sets = () => emulator.requests.filter((r) => r.command === 'setnospeaking');
  const startedAt = Date.now();
  while (sets().length === 0) {
    expect(Date.now() - startedAt, 'the run starts').toBeLessThan(15_000);
    await sleep(5);
  }
  // Nothing may wake the worker while it is stopped: no popup polling the job.
  await popup.close();

  const cdp = await extension.context.newCDPSession(options);
  const kills: Array<{ point: number; atKill: number; inFlight: number; stops: number }> = [];
  for (const point of points) {
    const waitingSince = Date.now();
    while (sets().length < point) {
      expect(Date.now() - waitingSince, `the run reaches ${point} requests`).toBeLessThan(20_000);
      await sleep(2);
    }
    const stops = await stopWorkerForGood(cdp, extension.extensionId);
    // Requests already on the wire when the worker went land first.
    await sleep(150);
    const atKill = sets().length;
    // The options page opened before the run only reads storage: it does not wake the worker.
    const inFlight = (await storedIndex(options)).open.length;
    await sleep(250);
    expect(
      await workerTargets(cdp, extension.extensionId),
      'reading storage wakes nothing',
    ).toEqual([]);
    expect(sets().length, 'nothing is sent while the worker is stopped').toBe(atKill);
    kills.push({ point, atKill, inFlight, stops });

    // The popup wakes the worker; its start picks the job up. Closed again before the next kill.
    const waker = await openPopup(extension);
    await expect(waker.getByText(DEMO_APP.label)).toBeVisible();
    expect(await workerTargets(cdp, extension.extensionId), 'a new worker runs').not.toEqual([]);
    await waker.close();
  }
  await cdp.detach();

  const final = await openPopup(extension);
  await final.getByRole('tab', { name: 'Bulk' }).click();
  await expect(final.getByText('Finished: 1,000 done, 0 failed.')).toBeVisible({
    timeout: 30_000,
  });

  for (const user of users) {
    const state = emulator.muteState(APP, user);
    expect(state.c2c > 86_000 && state.group > 86_000, `${user} is muted for a day`).toBe(true);
  }

  // Exactly one entry per ID, each done.
  const listing = await auditList(options);
  expect(listing.skipped).toBe(0);
  const bulkEntries = listing.entries.filter((e) => e.source === 'bulk');
  expect(bulkEntries).toHaveLength(listing.entries.length);
  expect(bulkEntries.map((e) => e.userId).sort()).toEqual(users);
  const notOk = bulkEntries.filter((e) => e.outcome !== 'ok' || e.action !== 'mute');
  expect(notOk, 'entries that are not a done mute').toEqual([]);
  expect((await storedIndex(options)).open, 'no intent left without an outcome').toEqual([]);

  // Sent more than once: only what was in flight at a kill.
  const order = sets().map((r) => (r.body as { Set_Account?: string }).Set_Account ?? '');
  const firstSeen = new Map<string, number>();
  order.forEach((user, i) => {
    if (!firstSeen.has(user)) firstSeen.set(user, i);
  });
  const resentIds = new Set(order.filter((user, i) => firstSeen.get(user) !== i));
  let sumInFlight = 0;
  kills.forEach((kill, k) => {
    const until = kills[k + 1]?.atKill ?? order.length;
    const resent = new Set(
      order
        .slice(kill.atKill, until)
        .filter((user) => (firstSeen.get(user) ?? Infinity) < kill.atKill),
    ).size;
    sumInFlight += kill.inFlight;
    console.log(
      `audit-faults: kill ${k + 1} at request ${kill.atKill} (point ${kill.point}, ${kill.stops} target close(s)): ${kill.inFlight} in flight, ${resent} re-sent`,
    );
  });
  const peak = emulator.peakPerSecond(APP);
  const refused = emulator.requests.filter((r) => r.errorCode !== 0).length;
  console.log(
    `audit-faults: ${order.length} setnospeaking requests, ${resentIds.size} IDs re-sent, ${sumInFlight} in flight at the kills, peak ${peak}/s, ${refused} requests refused`,
  );
  expect(resentIds.size).toBeLessThanOrEqual(sumInFlight);
  expect(peak).toBeLessThanOrEqual(200);
});

test('a 3,000-character page URL is audited without its fragment, cut to 2048 characters', async ({
  extension,
  emulator,
}) => {
  const options = await setUpDemoApp(extension);
  const worker = await extension.serviceWorker();
  // Long before its fragment: the cut shows.
  const longPage = `https://admin.example.test/moderation/users?filter=${'a'.repeat(3000)}`;
  const longUrl = `${longPage}#access_token=secret`;
  // Short before a long fragment: the fragment goes, not only what passes 2048 characters.
  const shortPage = `https://admin.example.test/chat?room=${'r'.repeat(1500)}`;
  const fragmentUrl = `${shortPage}#${'t'.repeat(1600)}`;
  expect(longUrl.length).toBeGreaterThan(3000);
  expect(fragmentUrl.length).toBeGreaterThan(3000);

  await runMenu(worker, 'mute:preset:600', 'spammer_01', longUrl);
  await runMenu(worker, 'mute:preset:600', 'spammer_02', fragmentUrl);
  for (const user of ['spammer_01', 'spammer_02']) {
    const state = emulator.muteState(APP, user);
    expect(state.c2c, `${user} muted`).toBeGreaterThan(590);
    expect(state.group, `${user} muted`).toBeGreaterThan(590);
  }

  const { entries } = await auditList(options);
  expect(entries.map((e) => [e.userId, e.source, e.outcome, e.pageUrl])).toEqual([
    ['spammer_01', 'menu', 'ok', longPage.slice(0, MAX_PAGE_URL)],
    ['spammer_02', 'menu', 'ok', shortPage],
  ]);
  expect(entries[0]?.pageUrl).toHaveLength(MAX_PAGE_URL);
});

test('a corrupt stored record is skipped and counted, kept, and appends carry on after it', async ({
  extension,
  emulator,
}) => {
  const options = await setUpDemoApp(extension);
  const popup = await openPopup(extension);
  await muteFromPopup(popup, 'alice');

  const corrupt = { k: 'intent', id: 42, note: 'not a record' };
  await options.evaluate(async (record) => {
    const { chrome } = globalThis as unknown as { chrome: ExtensionApi };
    const index = (await chrome.storage.local.get('auditIndex')).auditIndex as StoredIndex;
    const key = `auditPage.${index.head?.n}`;
    // A page is stored as one JSON text (utils/audit/pages.ts).
    const page = JSON.parse((await chrome.storage.local.get(key))[key] as string) as unknown[];
    await chrome.storage.local.set({ [key]: JSON.stringify([...page, record]) });
  }, corrupt);

  await muteFromPopup(popup, 'bob');
  expect(emulator.muteState(APP, 'bob').group).toBeGreaterThan(3590);

  await options.reload();
  const audit = options.getByRole('region', { name: 'Audit log' });
  await expect(audit.getByText('2 entries')).toBeVisible();
  await expect(
    audit.getByText(
      '1 stored records could not be read and were skipped. They are kept as they are; everything else is listed.',
    ),
  ).toBeVisible();
  await expect(audit.getByRole('row', { name: /alice Mute, 1 hr/ })).toBeVisible();
  await expect(audit.getByRole('row', { name: /bob Mute, 1 hr/ })).toBeVisible();

  // Stored as written: alice's pair, the corrupt record where it was, then bob's pair.
  const layout = await storedIndex(options);
  const stored = await options.evaluate(
    async (keys) => {
      const { chrome } = globalThis as unknown as { chrome: ExtensionApi };
      const pages = await chrome.storage.local.get(keys);
      return keys.flatMap((key) => JSON.parse(pages[key] as string) as unknown[]);
    },
    layout.pages.map((p) => `auditPage.${p.n}`),
  );
  const userOf = new Map<unknown, unknown>();
  for (const r of stored as Array<{ k?: unknown; id?: unknown; userId?: unknown }>)
    if (r.k === 'intent' && r.userId !== undefined) userOf.set(r.id, r.userId);
  expect(
    (stored as Array<{ k?: unknown; id?: unknown }>).map((r) =>
      r.id === 42 ? 'corrupt' : `${String(r.k)} ${String(userOf.get(r.id))}`,
    ),
  ).toEqual(['intent alice', 'outcome alice', 'corrupt', 'intent bob', 'outcome bob']);
  expect(stored[2]).toEqual(corrupt);
});

test('a log at its 24 MiB budget drops its oldest page, counts it, and leaves the vault alone', async ({
  extension,
  emulator,
}) => {
  test.setTimeout(120_000);
  const options = await setUpDemoApp(extension);
  // The default 5,000 entries never reach 24 MiB (about 3 KB each at most): allow 20,000.
  const max = options.getByLabel('Keep at most (entries)');
  await max.fill('20000');
  await max.press('Tab');
  await expect
    .poll(async () =>
      options.evaluate(async () => {
        const { chrome } = globalThis as unknown as { chrome: ExtensionApi };
        const reply = (await chrome.runtime.sendMessage({ type: 'settings.get' })) as {
          json?: string;
        };
        return reply.json
          ? (JSON.parse(reply.json) as { auditMaxEntries?: number }).auditMaxEntries
          : undefined;
      }),
    )
    .toBe(20000);

  const vaultBefore = await options.evaluate(async () => {
    const { chrome } = globalThis as unknown as { chrome: ExtensionApi };
    return JSON.stringify((await chrome.storage.local.get('vault')).vault);
  });

  // Pages of valid intent/outcome pairs from a day ago, laid out as the log lays them out,
  // until the log is just over its budget.
  const seeded = await options.evaluate(
    async ({ budget, pageBytes, sdkAppId, maxUrl }) => {
      const { chrome } = globalThis as unknown as { chrome: ExtensionApi };
      const encoder = new TextEncoder();
      const size = (value: unknown) => encoder.encode(JSON.stringify(value)).length;
      const index: Layout = {
        version: 2,
        rev: 1,
        next: 0,
        head: null,
        pages: [],
        open: [],
        trash: [],
        droppedForBudget: 0,
      };
      const pages: Record<string, unknown[]> = {};
      const start = Date.now() - 86_400_000;
      const pageUrl = `https://admin.example.test/moderation?${'q'.repeat(maxUrl)}`.slice(
        0,
        maxUrl,
      );
      let current: unknown[] = [];
      let info: PageInfo | null = null;
      let pageTotal = 0;
      let indexBytes = size(index);
      let count = 0;
      while (indexBytes + pageTotal <= budget + 8 * 1024) {
        const at = start + count;
        const next = {
          c2c: { kind: 'timed', until: at + 3_600_000 },
          group: { kind: 'timed', until: at + 3_600_000 },
        };
        const id = `seed-${String(count).padStart(6, '0')}`;
        const records = [
          {
            k: 'intent',
            id,
            at,
            profileId: 'seeded-profile',
            appLabel: 'Seeded community',
            sdkAppId,
            environment: 'production',
            userId: `seeded_${count}`,
            action: 'mute',
            scopes: { c2c: true, group: true },
            previous: { c2c: { kind: 'none' }, group: { kind: 'none' } },
            next,
            seconds: 3600,
            reason: 'r'.repeat(200),
            source: 'page',
            pageUrl,
          },
          { k: 'outcome', id, at: at + 1, outcome: 'ok', next, errorCode: null },
        ];
        for (const record of records) {
          // Laid out as the log lays it out: each page one JSON text, counted as stored
          // (a record's JSON with its quotes escaped, plus a comma; "[]" in quotes is 4).
          const bytes = size(JSON.stringify(record)) - 2 + 1;
          if (!info || info.bytes + bytes > pageBytes) {
            info = { n: index.next++, entries: 0, bytes: 4, newest: record.at };
            index.pages.push(info);
            current = [];
            pages[`auditPage.${info.n}`] = current;
            pageTotal += 4;
            indexBytes = size(index);
          }
          current.push(record);
          info.bytes += bytes;
          info.newest = Math.max(info.newest, record.at);
          if (record.k === 'intent') info.entries++;
          pageTotal += bytes;
        }
        count++;
      }
      const keys = Object.keys(pages);
      for (let i = 0; i < keys.length; i += 32) {
        await chrome.storage.local.set(
          Object.fromEntries(keys.slice(i, i + 32).map((key) => [key, JSON.stringify(pages[key])])),
        );
      }
      const { pages: all, ...rest } = index;
      await chrome.storage.local.set({
        auditIndex: { ...rest, head: all.at(-1) ?? null },
        auditPageList: all.slice(0, -1),
      });
      return {
        entries: count,
        pages: index.pages.length,
        firstPageEntries: index.pages[0]?.entries ?? 0,
        bytes: size(index) + index.pages.reduce((sum, p) => sum + p.bytes, 0),
      };
    },
    { budget: BUDGET, pageBytes: PAGE_BYTES, sdkAppId: APP, maxUrl: MAX_PAGE_URL },
  );
  console.log(
    `audit-faults: seeded ${seeded.entries} entries in ${seeded.pages} pages, ${seeded.bytes} bytes (budget ${BUDGET})`,
  );
  expect(seeded.bytes).toBeGreaterThan(BUDGET);

  const popup = await openPopup(extension);
  await muteFromPopup(popup, 'alice');
  expect(emulator.muteState(APP, 'alice').group).toBeGreaterThan(3590);

  const layout = await storedIndex(options);
  const after = await options.evaluate(async (index) => {
    const { chrome } = globalThis as unknown as { chrome: ExtensionApi };
    const encoder = new TextEncoder();
    const keys = ['auditIndex', 'auditPageList', ...index.pages.map((p) => `auditPage.${p.n}`)];
    const stored = await chrome.storage.local.get(keys);
    return {
      index,
      // What the log counts against its budget: each value's JSON in UTF-8.
      jsonBytes: keys.reduce(
        (sum, key) => sum + encoder.encode(JSON.stringify(stored[key])).length,
        0,
      ),
      // What Chromium counts (its own serialisation, keys included): printed, not asserted.
      chromiumBytes: await chrome.storage.local.getBytesInUse(keys),
      firstPageBytes: await chrome.storage.local.getBytesInUse('auditPage.0'),
      vault: JSON.stringify((await chrome.storage.local.get('vault')).vault),
    };
  }, layout);
  console.log(
    `audit-faults: after the mute ${after.jsonBytes} bytes of JSON (${after.chromiumBytes} as Chromium counts them) in ${after.index.pages.length} pages, ${after.index.droppedForBudget} entries dropped for the budget`,
  );
  expect(after.jsonBytes).toBeLessThanOrEqual(BUDGET);
  // Only the oldest page went: the log is still close to its budget.
  expect(after.jsonBytes).toBeGreaterThan(BUDGET - 2 * PAGE_BYTES);
  expect(after.index.pages[0]?.n).toBe(1);
  expect(after.firstPageBytes, 'the dropped page is removed from storage').toBe(0);
  expect(after.index.trash).toEqual([]);
  expect(after.index.droppedForBudget).toBe(seeded.firstPageEntries);
  expect(after.vault, 'the vault record is untouched').toBe(vaultBefore);

  await options.reload();
  const audit = options.getByRole('region', { name: 'Audit log' });
  await expect(
    audit.getByText(
      `To stay within its 24 MB storage budget, the audit log removed its ${seeded.firstPageEntries} oldest entries before their time.`,
      { exact: false },
    ),
  ).toBeVisible({ timeout: 30_000 });
  await expect(
    // Counts are written in the catalogue's language: 8,353.
    audit.getByText(
      `${(seeded.entries - seeded.firstPageEntries + 1).toLocaleString('en')} entries`,
    ),
  ).toBeVisible();

  // The vault still opens with its passphrase and its app still mutes.
  await popup.getByRole('button', { name: 'Lock' }).click();
  await expect(popup.getByRole('heading', { name: 'Unlock Mute Console' })).toBeVisible();
  await popup.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await popup.getByRole('button', { name: 'Unlock' }).click();
  await expect(popup.getByText(DEMO_APP.label)).toBeVisible();
  await muteFromPopup(popup, 'bob');
  expect(emulator.muteState(APP, 'bob').group).toBeGreaterThan(3590);
});
