import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readPolicy, NO_POLICY } from '../../../../utils/policy/policy';
import { applyPolicy } from '../../../../utils/settings';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { pageHandlers } from '../../../../entrypoints/background/handlers/page';
import type { RequestContext } from '../../../../entrypoints/background/router';
import type { Services } from '../../../../entrypoints/background/services';
import { createSettingsStore } from '../../../../entrypoints/background/settings-store';
import { Sites } from '../../../../entrypoints/background/sites';
import { createAllowance } from '../../../../utils/allowance';
import {
  backgroundServices,
  DEMO_PROFILE,
  settleBackgroundServices,
} from '../../../support/background-harness';
import { DEMO_USERS, SECOND_APP, generatedUsers, seedApps } from '../../../support/demo-seed';
import { startEmulator, type Emulator } from '../../../support/emulator/server';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    apps: seedApps(),
    accounts: [...DEMO_USERS, ...generatedUsers(50)],
  });
});
afterAll(async () => {
  await emulator.close();
});
afterEach(settleBackgroundServices);
beforeEach(() => {
  fakeBrowser.reset();
  emulator.reset();
});

const consolePage = (tabId = 1): RequestContext => ({
  senderKind: 'content-script',
  sender: {
    id: 'x',
    url: 'https://console.cloud.tencent.com/im/account-management',
    tab: { id: tabId },
    frameId: 0,
  },
});

/** The apps a page asked the action window to get host access for. */
const accessWindows: string[] = [];

async function handlers(policy?: unknown) {
  accessWindows.length = 0;
  const core = await backgroundServices(emulator.httpsPort, { policy });
  const second = {
    ...DEMO_PROFILE,
    id: 'second',
    label: SECOND_APP.label,
    sdkAppId: SECOND_APP.sdkAppId,
    secretKey: SECOND_APP.secretKey,
    endpoint: { kind: 'region' as const, region: 'frankfurt' as const },
  };
  await core.vault.update((d) => ({
    profiles: [...d.profiles, second],
    defaultProfileId: 'second',
  }));
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
  const services = {
    ...core,
    sites,
    effectiveSettings: async () =>
      applyPolicy(await createSettingsStore().get(), readPolicy(policy)),
    quickActions: {
      openUnlock: async () => {},
      openAccess: async (profileId: string) => void accessWindows.push(profileId),
    },
    now: Date.now,
  } as unknown as Services;
  return { page: pageHandlers(services), core };
}

describe('page handlers', () => {
  it('choose the app the page shows, else the default', async () => {
    const { page } = await handlers();
    expect(
      (
        await page['page.config'](
          { type: 'page.config', pageAppIds: [DEMO_PROFILE.sdkAppId] },
          consolePage(),
        )
      ).app,
    ).toMatchObject({ profileId: 'demo' });
    expect(
      (await page['page.config']({ type: 'page.config', pageAppIds: [] }, consolePage())).app,
    ).toMatchObject({ profileId: 'second' });
    expect(
      (await page['page.config']({ type: 'page.config', pageAppIds: [999999] }, consolePage())).app,
    ).toMatchObject({ profileId: 'second' });
  });

  it("give a page no secret, only the app's label, environment and IDs", async () => {
    const { page } = await handlers();
    const config = JSON.stringify(
      await page['page.config']({ type: 'page.config', pageAppIds: [] }, consolePage()),
    );
    expect(config).not.toContain(DEMO_PROFILE.secretKey);
    expect(config).not.toContain(SECOND_APP.secretKey);
  });

  it("carry the organisation's limits to the page, and refuse a protected ID from it before sending", async () => {
    const { page } = await handlers({
      version: 1,
      protectedIds: ['spammer_*'],
      longestMuteSeconds: 3600,
    });
    const config = await page['page.config'](
      { type: 'page.config', pageAppIds: [] },
      consolePage(),
    );
    // Only the presets within the limit are offered.
    expect(config.presets.map((p) => p.id)).toEqual(['10m', '1h']);
    expect(config.policy).toEqual({
      rules: { protectedIds: ['spammer_*'], longestMuteSeconds: 3600, allowPermanentMutes: true },
    });
    const apply = (userId: string, seconds: number) =>
      page['page.apply'](
        {
          type: 'page.apply',
          profileId: DEMO_PROFILE.id,
          userId,
          scopes: { c2c: true, group: true },
          seconds,
          reason: '',
          confirmed: ['permanent', 'production', 'shortens'],
        },
        consolePage(),
      );
    await expect(apply('spammer_01', 600)).rejects.toMatchObject({
      appError: { kind: 'policy', rule: 'protected-id' },
    });
    await expect(apply('bob', 7200)).rejects.toMatchObject({
      appError: { kind: 'policy', rule: 'longer-than-allowed', longestSeconds: 3600 },
    });
    expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(0);
    // An unmute of a protected ID is never refused.
    await apply('spammer_01', 0);
    expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(1);
  });

  it('refuse a page that is not an enabled site', async () => {
    const { page } = await handlers();
    const other: RequestContext = {
      senderKind: 'content-script',
      sender: { id: 'x', url: 'https://console.cloud.tencent.com/cvm', tab: { id: 1 }, frameId: 0 },
    };
    await expect(
      page['page.config']({ type: 'page.config', pageAppIds: [] }, other),
    ).rejects.toMatchObject({ appError: { kind: 'permission-denied' } });
  });

  it('allow a tab 20 state lookups a second, and more to another tab', async () => {
    const { page } = await handlers();
    const ids = generatedUsers(20);
    await page['page.states'](
      { type: 'page.states', profileId: 'demo', userIds: ids },
      consolePage(1),
    );
    await expect(
      page['page.states'](
        { type: 'page.states', profileId: 'demo', userIds: ['alice'] },
        consolePage(1),
      ),
    ).rejects.toMatchObject({ appError: { kind: 'too-fast' } });
    const other = await page['page.states'](
      { type: 'page.states', profileId: 'demo', userIds: ['alice'] },
      consolePage(2),
    );
    expect(other).toMatchObject([{ userId: 'alice', view: { exists: true } }]);
  });
});

describe('createAllowance', () => {
  it('refuses past the limit inside the window, then recovers', () => {
    let now = 0;
    const allowance = createAllowance(3, 1000, () => now);
    expect([allowance.take('t', 2), allowance.take('t'), allowance.take('t')]).toEqual([
      true,
      true,
      false,
    ]);
    now = 1001;
    expect(allowance.take('t', 3)).toBe(true);
  });

  it('a page whose app is out of reach opens the action window for access, within its allowance', async () => {
    const { page } = await handlers();
    await page['page.requestAccess'](
      { type: 'page.requestAccess', profileId: 'second' },
      consolePage(),
    );
    expect(accessWindows).toEqual(['second']);
    const other = {
      ...consolePage(),
      sender: { ...consolePage().sender, url: 'https://evil.example/' },
    };
    await expect(
      page['page.requestAccess']({ type: 'page.requestAccess', profileId: 'second' }, other),
    ).rejects.toMatchObject({ appError: { kind: 'permission-denied' } });
    for (let i = 0; i < 20; i++)
      await page['page.requestAccess'](
        { type: 'page.requestAccess', profileId: 'second' },
        consolePage(),
      ).catch(() => {});
    expect(accessWindows.length).toBeLessThanOrEqual(10);
  });
});
