import { AuditLog } from '../../entrypoints/background/audit-log';
import type { KeyValueArea } from '../../entrypoints/background/vault-service';
import {
  AUDIT_INDEX_KEY,
  AUDIT_PAGE_LIST_KEY,
  appendRecords,
  auditPageKey,
  emptyIndex,
  storedIndex,
} from '../../utils/audit/pages';
import type { IntentRecord, OutcomeRecord } from '../../utils/audit/records';

/**
 * What one audited action (its intent, then its outcome) costs the audit log in Node, by how
 * many entries the log already holds. The storage keeps what it is given as chrome.storage
 * does, a copy made through JSON, so each write pays for serialising what it writes.
 */
const SETTINGS = { auditMaxEntries: 20000, auditRetentionDays: 3650 };
const START = Date.UTC(2026, 11, 1, 12);

/** An in-memory storage area that behaves like chrome.storage.local (copies in, copies out). */
class MemoryArea implements KeyValueArea {
  private readonly items = new Map<string, unknown>();

  async get(keys: string | string[] | null): Promise<Record<string, unknown>> {
    const wanted = keys === null ? [...this.items.keys()] : [keys].flat();
    const out: Record<string, unknown> = {};
    for (const key of wanted) if (this.items.has(key)) out[key] = copy(this.items.get(key));
    return out;
  }

  async set(items: Record<string, unknown>): Promise<void> {
    for (const [key, value] of Object.entries(copy(items))) this.items.set(key, value);
  }

  async remove(keys: string | string[]): Promise<void> {
    for (const key of [keys].flat()) this.items.delete(key);
  }

  async clear(): Promise<void> {
    this.items.clear();
  }
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** An intent as a page button writes it: about 600 bytes of JSON. */
function intent(n: number, at: number): IntentRecord {
  const userId = `user_${String(n).padStart(6, '0')}`;
  return {
    k: 'intent',
    id: `${at.toString(36)}-${n.toString(36).padStart(6, '0')}-page`,
    at,
    profileId: 'prod-community-main',
    appLabel: 'Demo community (production)',
    sdkAppId: 1400187352,
    environment: 'production',
    userId,
    action: 'mute',
    scopes: { c2c: true, group: true },
    previous: { c2c: { kind: 'none' }, group: { kind: 'none' } },
    next: {
      c2c: { kind: 'timed', until: at + 86_400_000 },
      group: { kind: 'timed', until: at + 86_400_000 },
    },
    seconds: 86400,
    reason: 'Spam: invite links to an outside group',
    source: 'page',
    pageUrl: `https://console.cloud.tencent.com/im/account-management?sdkappid=1400187352&page=12&search=${userId}`,
  };
}

function outcome(record: IntentRecord, at: number): OutcomeRecord {
  return { k: 'outcome', id: record.id, at, outcome: 'ok', errorCode: null };
}

/** An audit log over a fresh memory area already holding `entries` finished entries. */
async function filledLog(entries: number): Promise<{ audit: AuditLog; tick: () => number }> {
  const area = new MemoryArea();
  let clock = START;
  const records: unknown[] = [];
  for (let n = 0; n < entries; n++) {
    const record = intent(n, clock);
    records.push(record, outcome(record, clock + 40));
    clock += 1000;
  }
  // Laid out as the log itself lays them out, written in one go rather than one by one.
  const { index, touched } = appendRecords(emptyIndex(), [], records);
  const split = storedIndex({ ...index, rev: 1 });
  const items: Record<string, unknown> = {
    [AUDIT_INDEX_KEY]: split.index,
    [AUDIT_PAGE_LIST_KEY]: split.list,
  };
  // Pages as the log stores them: one JSON text each.
  for (const [n, page] of touched) items[auditPageKey(n)] = JSON.stringify(page);
  await area.set(items);
  const audit = new AuditLog({
    area,
    watch: () => {},
    settings: async () => SETTINGS,
    now: () => clock,
  });
  // Loads the index and the newest page, as the worker does once: not part of an append.
  await audit.unresolved();
  return { audit, tick: () => (clock += 1000) };
}

/** Milliseconds per audited action (intent written, then outcome), one sample per action. */
export async function auditAppendTimes(entries: number, actions: number): Promise<number[]> {
  const { audit, tick } = await filledLog(entries);
  const out: number[] = [];
  for (let i = 0; i < actions; i++) {
    const record = intent(entries + i, tick());
    const t = performance.now();
    await audit.begin(record);
    await audit.finish(outcome(record, record.at + 40));
    out.push(performance.now() - t);
  }
  const listed = (await audit.list()).entries.length;
  const expected = Math.min(entries + actions, SETTINGS.auditMaxEntries);
  if (listed !== expected) throw new Error(`audit log lists ${listed} entries, not ${expected}`);
  return out;
}
