import { beforeEach, describe, expect, it } from 'vitest';
import { NO_POLICY } from '../../../../utils/policy/policy';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ActiveMutes } from '../../../../entrypoints/background/active-mutes';
import { OrgPolicy } from '../../../../entrypoints/background/org-policy';
import { settingsHandlers } from '../../../../entrypoints/background/handlers/settings';
import { storageHandlers } from '../../../../entrypoints/background/handlers/storage';
import type { Services } from '../../../../entrypoints/background/services';
import { createSettingsStore } from '../../../../entrypoints/background/settings-store';
import { Sites } from '../../../../entrypoints/background/sites';
import { UndoStore } from '../../../../entrypoints/background/undo-store';
import { VaultService, type KeyValueArea } from '../../../../entrypoints/background/vault-service';
import { describeError } from '../../../../utils/messages/describe-error';
import { DEFAULT_SETTINGS } from '../../../../utils/settings';
import { REPAIRABLE_PARTS, STORED, type RepairablePart } from '../../../../utils/storage/keys';
import { MIN_ITERATIONS } from '../../../../utils/vault/envelope';

const local = fakeBrowser.storage.local as unknown as KeyValueArea;
const session = fakeBrowser.storage.session as unknown as KeyValueArea;

/** The worker's stores over the fake browser, and the two repair requests. */
async function worker() {
  const vault = new VaultService({ local, session, iterations: MIN_ITERATIONS });
  await vault.create('correct horse battery staple');
  const settings = createSettingsStore();
  const sites = new Sites({
    siteRules: async () => NO_POLICY,
    scripting: {
      getRegisteredContentScripts: async () => [],
      registerContentScripts: async () => {},
      unregisterContentScripts: async () => {},
    },
    hasOrigin: async () => true,
    dropGrantedOrigins: async () => {},
  });
  const registry = new ActiveMutes();
  const undo = new UndoStore(session);
  let menus = 0;
  const services = {
    vault,
    settings,
    sites,
    registry,
    undo,
    refreshMenus: async () => void menus++,
  } as unknown as Services;
  return { vault, settings, sites, handlers: storageHandlers(services), menus: () => menus };
}

/** What each part looks like when it no longer fits its schema. */
const GARBAGE: Record<RepairablePart, unknown> = {
  settings: { autoLockMinutes: 'soon' },
  sites: [{ id: 1 }],
  activeMutes: 'not a list',
  undoRecords: [{ id: 'u', expiresAt: 'later' }],
};

describe('repairing one stored part', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it.each(REPAIRABLE_PARTS)(
    '%s unreadable: reported, left as it is, reset on its own with the vault kept',
    async (part) => {
      const { vault, handlers } = await worker();
      const area = STORED[part].area === 'local' ? local : session;
      await area.set({ [STORED[part].key]: GARBAGE[part] });
      const vaultBefore = JSON.stringify(await local.get(STORED.vault.key));

      expect(await handlers['storage.problems']({ type: 'storage.problems' }, {} as never)).toEqual(
        { unreadable: [part] },
      );
      // Reading it does not write over it.
      expect((await area.get(STORED[part].key))[STORED[part].key]).toEqual(GARBAGE[part]);

      expect(await handlers['storage.reset']({ type: 'storage.reset', part }, {} as never)).toEqual(
        { unreadable: [] },
      );
      expect((await area.get(STORED[part].key))[STORED[part].key]).toBeUndefined();
      expect(JSON.stringify(await local.get(STORED.vault.key))).toBe(vaultBefore);
      expect(await vault.state()).toBe('unlocked');
    },
  );

  it('unreadable settings: a change is refused with words that point to the repair', async () => {
    const { settings, handlers, menus } = await worker();
    await local.set({ [STORED.settings.key]: GARBAGE.settings });
    expect(await settings.get()).toEqual(DEFAULT_SETTINGS);
    const refused = await settings.update((s) => s).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'StoredValueUnreadable' });
    expect(describeError({ kind: 'stored-data-unreadable' })).toEqual({
      message: 'Some stored data could not be read, so it was left untouched.',
      advice:
        'Open Options: the notice at the top names the part and resets it on its own, keeping your vault and apps.',
    });
    await handlers['storage.reset']({ type: 'storage.reset', part: 'settings' }, {} as never);
    expect(menus()).toBe(1);
    await settings.update((s) => ({ ...s, autoLockMinutes: 5 }));
    expect((await settings.get()).autoLockMinutes).toBe(5);
  });

  it('unreadable sites: the built-in console stays, and saving works again after the reset', async () => {
    const { sites, handlers } = await worker();
    await local.set({ [STORED.sites.key]: GARBAGE.sites });
    expect((await sites.list()).every((s) => s.builtIn)).toBe(true);
    await handlers['storage.reset']({ type: 'storage.reset', part: 'sites' }, {} as never);
    expect(await sites.readable()).toBe(true);
  });
});

describe('one writer per key', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('two pages changing settings at once: both changes kept', async () => {
    const settings = createSettingsStore();
    const services = {
      settings,
      policy: new OrgPolicy(async () => ({})),
      autoLock: { onSettingsChange: async () => {} },
      refreshMenus: async () => {},
    } as unknown as Services;
    const handlers = settingsHandlers(services);
    // The popup saves the last duration while the options page changes the idle lock.
    await Promise.all([
      handlers['settings.update'](
        { type: 'settings.update', patch: { lastDuration: '10m' } },
        {} as never,
      ),
      handlers['settings.update'](
        { type: 'settings.update', patch: { autoLockMinutes: 5 } },
        {} as never,
      ),
    ]);
    const stored = (await local.get(STORED.settings.key))[STORED.settings.key];
    expect(stored).toMatchObject({ lastDuration: '10m', autoLockMinutes: 5 });
  });
});
