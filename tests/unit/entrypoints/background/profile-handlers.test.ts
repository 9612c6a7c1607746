import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { profileHandlers } from '../../../../entrypoints/background/handlers/profiles';
import type { Services } from '../../../../entrypoints/background/services';
import { backgroundServices, settleBackgroundServices } from '../../../support/background-harness';
import { DEMO_APP, DEMO_USERS, seedApps } from '../../../support/demo-seed';
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

/** The profile handlers over the real services; `granted` lists the host patterns the browser gives. */
async function handlers(granted: Set<string>) {
  const hostAccess = (origins: string[]) => origins.every((o) => granted.has(o));
  const core = await backgroundServices(emulator.httpsPort, { hostAccess });
  const services = {
    ...core,
    hasHostAccess: async (origins: string[]) => hostAccess(origins),
    refreshBadge: async () => {},
    now: Date.now,
  } as unknown as Services;
  return { profiles: profileHandlers(services), core };
}

const CUSTOM = {
  label: 'Through a proxy',
  environment: 'production' as const,
  endpoint: { kind: 'custom' as const, baseUrl: 'https://chat-proxy.example.com/tencent' },
  sdkAppId: DEMO_APP.sdkAppId,
  adminAccount: DEMO_APP.adminAccount,
  secretKey: DEMO_APP.secretKey,
};
const ctx = { senderKind: 'extension-page' } as never;

describe('profile handlers and host access', () => {
  it('refuse to save a custom-endpoint app whose access prompt was declined, and save it once given', async () => {
    const granted = new Set<string>();
    const { profiles, core } = await handlers(granted);
    await expect(
      profiles['profiles.save']({ type: 'profiles.save', profile: CUSTOM }, ctx),
    ).rejects.toMatchObject({
      appError: {
        kind: 'chat-api',
        error: {
          category: 'no-host-access',
          access: { host: 'chat-proxy.example.com', origins: ['https://chat-proxy.example.com/*'] },
        },
      },
    });
    expect((await core.vault.data()).profiles.map((p) => p.label)).toEqual(['Demo community']);

    granted.add('https://chat-proxy.example.com/*');
    await profiles['profiles.save']({ type: 'profiles.save', profile: CUSTOM }, ctx);
    expect((await core.vault.data()).profiles.map((p) => p.label)).toContain('Through a proxy');
  });

  it('Test connection without access to the region host names it, sending nothing', async () => {
    const { profiles } = await handlers(new Set());
    const result = await profiles['profiles.testConnection'](
      { type: 'profiles.testConnection', id: 'demo' },
      ctx,
    );
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'chat-api',
        error: { category: 'no-host-access', access: { host: 'adminapisgp.im.qcloud.com' } },
      },
    });
    expect(emulator.requests).toHaveLength(0);
  });
});
