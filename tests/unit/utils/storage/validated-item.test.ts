import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createSettingsStore } from '../../../../entrypoints/background/settings-store';
import { DEFAULT_SETTINGS } from '../../../../utils/settings';
import { StoredValueUnreadable } from '../../../../utils/storage/validated-item';

describe('settings storage (a validated item)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('reads the defaults when nothing is stored, without writing them', async () => {
    const settings = createSettingsStore();
    expect(await settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  it('reads the version-1 fixture', async () => {
    await fakeBrowser.storage.local.set({ settings: { autoLockMinutes: 30 } });
    expect(await createSettingsStore().get()).toEqual({ autoLockMinutes: 30 });
  });

  it('updates through the schema', async () => {
    const settings = createSettingsStore();
    expect(await settings.update((s) => ({ ...s, autoLockMinutes: null }))).toEqual({
      autoLockMinutes: null,
    });
    expect((await fakeBrowser.storage.local.get('settings')).settings).toEqual({
      autoLockMinutes: null,
    });
    await expect(settings.update((s) => ({ ...s, autoLockMinutes: 0 }))).rejects.toThrow();
    expect((await fakeBrowser.storage.local.get('settings')).settings).toEqual({
      autoLockMinutes: null,
    });
  });

  it('falls back on an unreadable value but never writes over it', async () => {
    const damaged = { autoLockMinutes: 'soon', unknownField: true };
    await fakeBrowser.storage.local.set({ settings: damaged });
    const settings = createSettingsStore();
    expect(await settings.get()).toEqual(DEFAULT_SETTINGS);
    await expect(settings.update((s) => ({ ...s, autoLockMinutes: 5 }))).rejects.toBeInstanceOf(
      StoredValueUnreadable,
    );
    expect((await fakeBrowser.storage.local.get('settings')).settings).toEqual(damaged);
  });
});
