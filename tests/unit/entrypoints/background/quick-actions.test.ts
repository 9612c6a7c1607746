import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NO_POLICY_VIEW, NO_POLICY } from '../../../../utils/policy/policy';
import { applyPolicy } from '../../../../utils/settings';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { QuickActions } from '../../../../entrypoints/background/quick-actions';
import { createSettingsStore } from '../../../../entrypoints/background/settings-store';
import { Sites } from '../../../../entrypoints/background/sites';
import { backgroundServices, settleBackgroundServices } from '../../../support/background-harness';
import { DEMO_USERS, seedApps } from '../../../support/demo-seed';
import { startEmulator, type Emulator } from '../../../support/emulator/server';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ apps: seedApps(), accounts: DEMO_USERS });
});
afterAll(async () => {
  await emulator.close();
});
afterEach(settleBackgroundServices);
beforeEach(() => {
  fakeBrowser.reset();
  emulator.reset();
});

const SINGAPORE = {
  host: 'adminapisgp.im.qcloud.com',
  origins: ['https://adminapisgp.im.qcloud.com/*', 'https://adminapisgp.my-imcloud.com/*'],
};

/** The menu and shortcut actions over the real services, with the browser's host access as set. */
async function quickActions(granted: { value: boolean }) {
  const core = await backgroundServices(emulator.httpsPort, { hostAccess: () => granted.value });
  const windows: number[] = [];
  const notes: string[] = [];
  const actions = new QuickActions({
    vault: core.vault,
    mute: core.mute,
    sites: new Sites({
      siteRules: async () => NO_POLICY,
      scripting: {
        getRegisteredContentScripts: async () => [],
        registerContentScripts: async () => {},
        unregisterContentScripts: async () => {},
      },
      hasOrigin: async () => true,
      dropGrantedOrigins: async () => {},
    }),
    settings: async () => applyPolicy(await createSettingsStore().get(), NO_POLICY_VIEW),
    session: core.session,
    undoRecords: () => core.undo.live(),
    openWindow: async () => {
      windows.push(1);
      return 7;
    },
    notify: async (_title, message) => {
      notes.push(message);
    },
    now: Date.now,
  });
  return { actions, windows, notes };
}

describe('QuickActions without host access', () => {
  it('a menu mute sends nothing: the action window opens on it and asks for access first', async () => {
    const granted = { value: false };
    const { actions, windows, notes } = await quickActions(granted);
    await actions.start({ kind: 'mute', selection: 'alice', seconds: 600, source: 'menu' });
    expect(emulator.requests).toHaveLength(0);
    expect(notes).toEqual([]);
    expect(windows).toHaveLength(1);
    const view = await actions.view();
    expect(view).toMatchObject({ action: { kind: 'mute', userId: 'alice' }, access: SINGAPORE });

    // The operator allows access in the window: the same action then shows, ready to run.
    granted.value = true;
    const ready = await actions.view();
    expect(ready?.access).toBeNull();
    await actions.run(ready?.action.id ?? '', ['production']);
    expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(1);
  });

  it("a page's request opens the window on access alone, which says so once it is given", async () => {
    const granted = { value: false };
    const { actions, windows, notes } = await quickActions(granted);
    await actions.openAccess('demo');
    expect(windows).toHaveLength(1);
    expect(await actions.view()).toMatchObject({ action: { kind: 'access' }, access: SINGAPORE });
    granted.value = true;
    const view = await actions.view();
    const done = await actions.run(view?.action.id ?? '', []);
    expect(done.message).toBe(
      'Mute Console can reach the Chat API now. Go back to the page and try again.',
    );
    expect(notes).toEqual([done.message]);
    expect(emulator.requests).toHaveLength(0);
  });
});
