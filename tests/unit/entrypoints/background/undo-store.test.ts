import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { UndoStore, type UndoRecord } from '../../../../entrypoints/background/undo-store';

const NOW = Date.UTC(2026, 11, 1, 8, 0, 0);
const record = (id: string, userId: string): UndoRecord => ({
  id,
  profileId: 'demo',
  userId,
  previous: { c2c: { kind: 'none' }, group: { kind: 'none' } },
  scopes: { c2c: true, group: true },
  expiresAt: NOW + 60_000,
});

describe('UndoStore', () => {
  beforeEach(() => fakeBrowser.reset());

  it('keeps both records of two actions at once, and takes each once', async () => {
    const store = new UndoStore(fakeBrowser.storage.session, () => NOW);
    await Promise.all([store.add(record('a', 'alice')), store.add(record('b', 'bob'))]);
    expect((await store.live()).map((r) => r.id).sort()).toEqual(['a', 'b']);
    const taken = await Promise.all([store.take('a'), store.take('a'), store.take('b')]);
    expect(taken.map((r) => r?.id ?? null)).toEqual(['a', null, 'b']);
    expect(await store.live()).toEqual([]);
  });
});
