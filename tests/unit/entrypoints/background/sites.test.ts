import { beforeEach, describe, expect, it } from 'vitest';
import { NO_POLICY } from '../../../../utils/policy/policy';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  ADMIN_PAGES_SCRIPT,
  dropGrantedOrigins,
  Sites,
  type ScriptingLike,
} from '../../../../entrypoints/background/sites';
import { menuIntent } from '../../../../entrypoints/background/menus';
import type { Site } from '../../../../utils/sites/site';

function fakeScripting() {
  const registered = new Map<string, string[]>();
  const scripting: ScriptingLike = {
    getRegisteredContentScripts: async () =>
      [...registered].map(([id, matches]) => ({ id, matches })),
    registerContentScripts: async (scripts) => {
      for (const s of scripts) {
        expect(s.js).toEqual([ADMIN_PAGES_SCRIPT]);
        registered.set(s.id, s.matches);
      }
    },
    unregisterContentScripts: async ({ ids }) => {
      for (const id of ids) registered.delete(id);
    },
  };
  return { scripting, registered };
}

const ACME: Site = {
  id: 'acme',
  label: 'Acme',
  pattern: 'https://admin.acme.example/*',
  pathPrefixes: [],
  finder: { kind: 'selector', selector: '.uid', source: 'text' },
  profileId: null,
  enabled: true,
  hoverOnly: false,
  builtIn: false,
};

describe('dropGrantedOrigins', () => {
  it('takes back every origin granted at run time, whatever the browser refuses to remove', async () => {
    const granted = new Set([
      'https://adminapisgp.im.qcloud.com/*',
      'https://console.cloud.tencent.com/*',
      'https://admin.acme.example/*',
      'https://audit.corp.example/*',
    ]);
    const permissions = {
      getAll: async () => ({ origins: [...granted] }),
      remove: async ({ origins }: { origins: string[] }) => {
        // As Chrome answers for a host its manifest's content scripts need.
        if (origins.includes('https://console.cloud.tencent.com/*'))
          throw new Error('You cannot remove required permissions.');
        for (const origin of origins) granted.delete(origin);
        return true;
      },
    };
    await dropGrantedOrigins(permissions, ['https://adminapisgp.im.qcloud.com/*']);
    expect([...granted]).toEqual([
      'https://adminapisgp.im.qcloud.com/*',
      'https://console.cloud.tencent.com/*',
    ]);
  });
});

describe('Sites', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it("lists the console built in, then the operator's sites", async () => {
    const { scripting } = fakeScripting();
    const sites = new Sites({
      siteRules: async () => NO_POLICY,
      scripting,
      hasOrigin: async () => false,
      dropGrantedOrigins: async () => {},
    });
    expect((await sites.list()).map((s) => s.id)).toEqual([
      'builtin:console.cloud.tencent.com',
      'builtin:console.tencentcloud.com',
      'builtin:console.trtc.io',
    ]);
    await sites.save(ACME);
    expect((await sites.list()).at(-1)).toEqual(ACME);
    expect(await sites.forUrl('https://admin.acme.example/reports')).toEqual(ACME);
    expect(await sites.forUrl('https://elsewhere.example/')).toBeNull();
  });

  it("follows the organisation's site rules: only allowed hosts added, blocked pages get no buttons", async () => {
    const { scripting, registered } = fakeScripting();
    let rules = { ...NO_POLICY };
    const sites = new Sites({
      siteRules: async () => rules,
      scripting,
      hasOrigin: async () => true,
      dropGrantedOrigins: async () => {},
    });
    await sites.save(ACME);
    expect([...registered.keys()]).toEqual(['site:acme']);

    rules = { ...NO_POLICY, allowedSites: ['*.corp.example'], blockedSites: ['console.trtc.io'] };
    // Adding a site outside the allowed list is refused, naming its host.
    await expect(
      sites.save({ ...ACME, id: 'other', pattern: 'https://mod.other.example/*' }),
    ).rejects.toMatchObject({
      appError: { kind: 'policy', rule: 'site', host: 'mod.other.example' },
    });
    await sites.save({ ...ACME, id: 'corp', pattern: 'https://mod.corp.example/*' });
    // The site added before the rule stays listed (nothing the operator stored is lost) but
    // gets no script and no buttons; a blocked console host gets none either.
    expect((await sites.list()).map((s) => s.id)).toContain('acme');
    expect([...registered.keys()]).toEqual(['site:corp']);
    expect(await sites.forUrl('https://admin.acme.example/reports')).toBeNull();
    expect(await sites.forUrl('https://mod.corp.example/x')).toMatchObject({ id: 'corp' });
    expect(await sites.forUrl('https://console.trtc.io/im')).toBeNull();
    expect(await sites.forUrl('https://console.tencentcloud.com/im')).toMatchObject({
      builtIn: true,
    });

    // The rule lifted: the operator's site is back as it was.
    rules = { ...NO_POLICY };
    await sites.syncRegistrations();
    expect([...registered.keys()].sort()).toEqual(['site:acme', 'site:corp']);
  });

  it('registers a content script once access is granted, and removes it when access is revoked or the site is off', async () => {
    const { scripting, registered } = fakeScripting();
    let granted = false;
    const sites = new Sites({
      siteRules: async () => NO_POLICY,
      scripting,
      hasOrigin: async () => granted,
      dropGrantedOrigins: async () => {},
    });
    await sites.save(ACME);
    expect([...registered.keys()]).toEqual([]);
    granted = true; // permissions.onAdded
    await sites.syncRegistrations();
    expect([...registered]).toEqual([['site:acme', ['https://admin.acme.example/*']]]);
    granted = false; // permissions.onRemoved
    await sites.syncRegistrations();
    expect([...registered.keys()]).toEqual([]);
    granted = true;
    await sites.syncRegistrations();
    await sites.save({ ...ACME, enabled: false });
    expect([...registered.keys()]).toEqual([]);
    expect(await sites.forUrl('https://admin.acme.example/reports')).toBeNull();
  });

  it('keeps built-in sites but lets the operator switch them off', async () => {
    const { scripting } = fakeScripting();
    const sites = new Sites({
      siteRules: async () => NO_POLICY,
      scripting,
      hasOrigin: async () => true,
      dropGrantedOrigins: async () => {},
    });
    const [console] = await sites.list();
    await sites.save({ ...(console as Site), enabled: false });
    await sites.remove((console as Site).id);
    const again = new Sites({
      siteRules: async () => NO_POLICY,
      scripting,
      hasOrigin: async () => true,
      dropGrantedOrigins: async () => {},
    });
    expect((await again.list())[0]).toMatchObject({ id: (console as Site).id, enabled: false });
    expect(
      await again.forUrl('https://console.cloud.tencent.com/im/account-management'),
    ).toBeNull();
  });
});

describe('menuIntent', () => {
  it('reads the menu item ids', () => {
    expect(menuIntent('mute:preset:600')).toEqual({ kind: 'mute', seconds: 600 });
    expect(menuIntent('mute:custom')).toEqual({ kind: 'mute', seconds: null });
    expect(menuIntent('unmute')).toEqual({ kind: 'unmute', seconds: 0 });
    expect(menuIntent('check')).toEqual({ kind: 'check', seconds: null });
    expect(menuIntent('mute:preset:-1')).toBeNull();
    expect(menuIntent('someone-else')).toBeNull();
  });

  it('two sites saved at once are both kept', async () => {
    const { scripting } = fakeScripting();
    const sites = new Sites({
      siteRules: async () => NO_POLICY,
      scripting,
      hasOrigin: async () => true,
      dropGrantedOrigins: async () => {},
    });
    const other: Site = {
      ...ACME,
      id: 'other',
      label: 'Other',
      pattern: 'https://other.example/*',
    };
    await Promise.all([sites.save(ACME), sites.save(other)]);
    const fresh = new Sites({
      siteRules: async () => NO_POLICY,
      scripting,
      hasOrigin: async () => true,
      dropGrantedOrigins: async () => {},
    });
    expect((await fresh.list()).map((s) => s.id)).toEqual(
      expect.arrayContaining(['acme', 'other']),
    );
  });
});

describe('Forget everything, for sites', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('unregisters every operator-site script, forgets the sites it knew and gives access back', async () => {
    const { scripting, registered } = fakeScripting();
    let dropped = 0;
    const sites = new Sites({
      siteRules: async () => NO_POLICY,
      scripting,
      hasOrigin: async () => true,
      dropGrantedOrigins: async () => void dropped++,
    });
    await sites.save(ACME);
    await sites.syncRegistrations();
    expect([...registered.keys()]).toEqual(['site:acme']);
    expect((await sites.list()).map((s) => s.id)).toContain('acme');
    await fakeBrowser.storage.local.clear();
    await sites.forget();
    expect([...registered.keys()]).toEqual([]);
    expect((await sites.list()).map((s) => s.id)).not.toContain('acme');
    expect(dropped).toBe(1);
  });

  it('gives back only the host access granted at run time', async () => {
    const removed: string[][] = [];
    await dropGrantedOrigins(
      {
        getAll: async () => ({
          origins: ['https://adminapisgp.im.qcloud.com/*', 'https://admin.acme.example/*'],
        }),
        remove: async ({ origins }) => void removed.push(origins),
      },
      ['https://adminapisgp.im.qcloud.com/*'],
    );
    expect(removed).toEqual([['https://admin.acme.example/*']]);
  });
});
