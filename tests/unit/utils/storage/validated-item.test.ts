import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createSettingsStore } from '../../../../entrypoints/background/settings-store';
import { DEFAULT_SETTINGS } from '../../../../utils/settings';
import * as z from 'zod/mini';
import { storage } from '#imports';
import { StoredValueUnreadable, validatedItem } from '../../../../utils/storage/validated-item';

describe('settings storage (a validated item)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('reads the defaults when nothing is stored, without writing them', async () => {
    const settings = createSettingsStore();
    expect(await settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  it('migrates the version-1 fixture to version 4, keeping what the operator chose', async () => {
    await fakeBrowser.storage.local.set({ settings: { autoLockMinutes: 30 } });
    expect(await createSettingsStore().get()).toEqual({ ...DEFAULT_SETTINGS, autoLockMinutes: 30 });
    expect(await fakeBrowser.storage.local.get(['settings', 'settings$'])).toEqual({
      settings: { ...DEFAULT_SETTINGS, autoLockMinutes: 30 },
      settings$: { v: 4 },
    });
  });

  it('migrates a version-2 fixture to version 4: the shortcut gets 1 hour, not the last duration', async () => {
    const { defaultSeconds: _none, moderatorName: _v4, ...defaults } = DEFAULT_SETTINGS;
    const v2 = { ...defaults, confirmProduction: true, lastDuration: 'custom:30d' };
    await fakeBrowser.storage.local.set({ settings: v2, settings$: { v: 2 } });
    expect(await createSettingsStore().get()).toEqual({
      ...v2,
      defaultSeconds: 3600,
      moderatorName: null,
    });
  });

  it('migrates a version-3 fixture to version 4: no moderator name yet, the rest as it was', async () => {
    const { moderatorName: _v4, ...defaults } = DEFAULT_SETTINGS;
    const v3 = { ...defaults, defaultSeconds: 600, lastDuration: 'custom:2h30m' };
    await fakeBrowser.storage.local.set({ settings: v3, settings$: { v: 3 } });
    expect(await createSettingsStore().get()).toEqual({ ...v3, moderatorName: null });
  });

  it('reads a version-4 fixture as it is', async () => {
    const v4 = { ...DEFAULT_SETTINGS, defaultSeconds: 600, moderatorName: 'mod-night-1' };
    await fakeBrowser.storage.local.set({ settings: v4, settings$: { v: 4 } });
    expect(await createSettingsStore().get()).toEqual(v4);
  });

  it('writes nothing when a version-1 value cannot be migrated', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    await fakeBrowser.storage.local.set({ settings: { autoLockMinutes: 'never' } });
    const settings = createSettingsStore();
    expect(await settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({
      settings: { autoLockMinutes: 'never' },
    });
    await expect(settings.update((s) => s)).rejects.toBeInstanceOf(StoredValueUnreadable);
    expect(spy).toHaveBeenCalled();
  });

  it('updates through the schema', async () => {
    const settings = createSettingsStore();
    const expected = { ...DEFAULT_SETTINGS, autoLockMinutes: null };
    expect(await settings.update((s) => ({ ...s, autoLockMinutes: null }))).toEqual(expected);
    expect((await fakeBrowser.storage.local.get('settings')).settings).toEqual(expected);
    await expect(settings.update((s) => ({ ...s, autoLockMinutes: 0 }))).rejects.toThrow();
    expect((await fakeBrowser.storage.local.get('settings')).settings).toEqual(expected);
  });

  it('falls back on an unreadable value but never writes over it', async () => {
    const damaged = { ...DEFAULT_SETTINGS, autoLockMinutes: 'soon' };
    await fakeBrowser.storage.local.set({ settings: damaged, settings$: { v: 3 } });
    const settings = createSettingsStore();
    expect(await settings.get()).toEqual(DEFAULT_SETTINGS);
    await expect(settings.update((s) => ({ ...s, autoLockMinutes: 5 }))).rejects.toBeInstanceOf(
      StoredValueUnreadable,
    );
    expect((await fakeBrowser.storage.local.get('settings')).settings).toEqual(damaged);
  });

  it('after a write that changes nothing, a change from elsewhere is read, not a stale copy', async () => {
    const settings = createSettingsStore();
    await settings.update((s) => ({ ...s, lastDuration: '1h' }));
    // The popup re-saves the same duration after every mute: storage fires no change for it.
    await settings.update((s) => ({ ...s, lastDuration: '1h' }));
    const elsewhere = { ...(await settings.get()), autoLockMinutes: 5 };
    await fakeBrowser.storage.local.set({ settings: elsewhere });
    await new Promise((r) => setTimeout(r, 0));
    expect((await settings.get()).autoLockMinutes).toBe(5);
    // And the next update builds on it rather than overwrite it.
    await settings.update((s) => ({ ...s, confirmProduction: true }));
    expect((await fakeBrowser.storage.local.get('settings')).settings).toMatchObject({
      autoLockMinutes: 5,
      confirmProduction: true,
    });
  });

  it('two changes at once both land', async () => {
    const settings = createSettingsStore();
    await Promise.all([
      settings.update((s) => ({ ...s, autoLockMinutes: 5 })),
      settings.update((s) => ({ ...s, confirmProduction: true })),
    ]);
    expect((await fakeBrowser.storage.local.get('settings')).settings).toMatchObject({
      autoLockMinutes: 5,
      confirmProduction: true,
    });
  });

  it('a failed write leaves no copy of what was not stored', async () => {
    const settings = createSettingsStore();
    const set = vi
      .spyOn(fakeBrowser.storage.local, 'set')
      .mockRejectedValueOnce(new Error('QUOTA_BYTES quota exceeded'));
    await expect(settings.update((s) => ({ ...s, autoLockMinutes: 5 }))).rejects.toThrow(/quota/);
    set.mockRestore();
    expect((await settings.get()).autoLockMinutes).toBe(DEFAULT_SETTINGS.autoLockMinutes);
  });

  it('a read that a change from elsewhere overtakes keeps no copy of what it read', async () => {
    const settings = createSettingsStore();
    const base = await settings.update((s) => ({ ...s, autoLockMinutes: 5 }));
    await fakeBrowser.storage.local.set({ settings: { ...base, autoLockMinutes: 10 } });
    await new Promise((r) => setTimeout(r, 0));
    const local = fakeBrowser.storage.local;
    const original = local.get.bind(local);
    const get = vi.spyOn(local, 'get').mockImplementationOnce(async (keys) => {
      const old = await original(keys);
      // Another context writes while this read is on its way back.
      await local.set({ settings: { ...base, autoLockMinutes: 20 } });
      await new Promise((r) => setTimeout(r, 0));
      return old;
    });
    expect((await settings.get()).autoLockMinutes).toBe(10);
    get.mockRestore();
    expect((await settings.get()).autoLockMinutes).toBe(20);
  });
});

describe('a validated item stored as JSON text', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  const list = () =>
    validatedItem(storage.defineItem<unknown>('local:numbers'), z.array(z.number()), [], {
      asText: true,
    });

  it('writes one JSON text and reads it back through the schema', async () => {
    const numbers = list();
    await numbers.update((current) => [...current, 1, 2]);
    expect(await fakeBrowser.storage.local.get('numbers')).toEqual({ numbers: '[1,2]' });
    // Another context reads it fresh (no copy in memory).
    expect(await list().get()).toEqual([1, 2]);
  });

  it('reads the list an earlier version stored as an array, and writes text next', async () => {
    await fakeBrowser.storage.local.set({ numbers: [3] });
    const numbers = list();
    expect(await numbers.get()).toEqual([3]);
    await numbers.update((current) => [...current, 4]);
    expect(await fakeBrowser.storage.local.get('numbers')).toEqual({ numbers: '[3,4]' });
  });

  it('text that is not JSON, or JSON of the wrong shape, is unreadable and never written over', async () => {
    for (const bad of ['[1,', '{"a":1}', '["x"]']) {
      await fakeBrowser.storage.local.set({ numbers: bad });
      const numbers = list();
      expect(await numbers.readable(), bad).toBe(false);
      await expect(numbers.update(() => [5])).rejects.toThrow(StoredValueUnreadable);
      expect(await fakeBrowser.storage.local.get('numbers')).toEqual({ numbers: bad });
    }
  });

  it('a change from elsewhere drops the copy in memory', async () => {
    const numbers = list();
    await numbers.update(() => [1]);
    await fakeBrowser.storage.local.set({ numbers: '[9]' });
    expect(await numbers.get()).toEqual([9]);
  });
});
