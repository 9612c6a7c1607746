import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ActiveMutes } from '../../../../entrypoints/background/active-mutes';
import type { ActiveMute } from '../../../../utils/mute/active-mute';

const T0 = Date.UTC(2026, 10, 25, 12);

function muted(userId: string, minutes = 10): ActiveMute {
  return {
    profileId: 'demo',
    sdkAppId: 1400000001,
    userId,
    state: { c2c: { kind: 'timed', until: T0 + minutes * 60_000 }, group: { kind: 'none' } },
    reason: '',
    appliedAt: T0,
    source: 'bulk',
    changedElsewhere: false,
    checkedAt: null,
  };
}

beforeEach(() => {
  fakeBrowser.reset();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ActiveMutes', () => {
  it('lists a recorded mute at once, before it is written, with the latest entry per user', async () => {
    const registry = new ActiveMutes(() => T0);
    const writes = vi.spyOn(fakeBrowser.storage.local, 'set');
    registry.record(muted('alice', 10));
    registry.record(muted('bob'));
    registry.record(muted('alice', 60));
    const listed = await registry.list('demo');
    expect(listed.map((e) => [e.userId, e.state.c2c])).toEqual([
      ['alice', { kind: 'timed', until: T0 + 3_600_000 }],
      ['bob', { kind: 'timed', until: T0 + 600_000 }],
    ]);
    expect(await registry.list('another-app')).toEqual([]);
    expect(writes).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(1000);
    expect(writes).toHaveBeenCalledTimes(1);
    const stored = (await fakeBrowser.storage.local.get('activeMutes'))['activeMutes'];
    expect(typeof stored, 'stored as one JSON text').toBe('string');
    expect(JSON.parse(stored as string)).toHaveLength(2);
  });

  it('writes once a second through a bulk run, though a listener lists after every write', async () => {
    const registry = new ActiveMutes(() => T0);
    // What the toolbar badge does: redraw from a listing after each write.
    registry.onChange(() => void registry.list('demo'));
    // Writing the list takes a while in a real browser (20 ms for a thousand entries).
    const set = fakeBrowser.storage.local.set.bind(fakeBrowser.storage.local);
    const writes = vi.spyOn(fakeBrowser.storage.local, 'set').mockImplementation(async (items) => {
      await new Promise((r) => setTimeout(r, 20));
      await set(items);
    });
    for (let i = 0; i < 300; i++) {
      registry.record(muted(`user-${i}`));
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(1000);
    // 3 s of records: 3 or 4 batches, not a write after every write.
    expect(writes.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(writes.mock.calls.length).toBeLessThanOrEqual(4);
    expect(await registry.list('demo')).toHaveLength(300);
  });
});
