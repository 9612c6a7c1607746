import { describe, expect, it, vi } from 'vitest';
import {
  createRouter,
  HandlerError,
  type Handlers,
} from '../../../../entrypoints/background/router';
import {
  SENDER_POLICY,
  classifySender,
  movesIdleTimer,
  type SenderInfo,
} from '../../../../entrypoints/background/sender-policy';
import { ChatApiError } from '../../../../utils/chat-api/errors';
import type { RequestType } from '../../../../utils/messages/protocol';
import { VaultError } from '../../../../utils/vault/problems';

const ID = 'ourextensionid';
const ORIGIN = `chrome-extension://${ID}`;
const context = {
  extensionId: ID,
  extensionOrigin: ORIGIN,
  isEnabledPage: (url: string) => url.startsWith('https://console.cloud.tencent.com/im'),
};

const SENDERS: Record<string, SenderInfo> = {
  'foreign extension': { id: 'someoneelse', url: `chrome-extension://someoneelse/popup.html` },
  'no id': { url: `${ORIGIN}/popup.html` },
  'extension page': { id: ID, url: `${ORIGIN}/popup.html`, origin: ORIGIN },
  'extension page in a tab': { id: ID, url: `${ORIGIN}/options.html`, tab: { id: 3 }, frameId: 0 },
  'content script, top frame, enabled origin': {
    id: ID,
    url: 'https://console.cloud.tencent.com/im/account-management',
    origin: 'https://console.cloud.tencent.com',
    tab: { id: 1 },
    frameId: 0,
  },
  'content script, subframe': {
    id: ID,
    url: 'https://console.cloud.tencent.com/frame',
    tab: { id: 1 },
    frameId: 7,
  },
  'content script, other origin': {
    id: ID,
    url: 'https://evil.example/',
    tab: { id: 1 },
    frameId: 0,
  },
  'hostile url': { id: ID, url: 'javascript:alert(1)', tab: { id: 1 }, frameId: 0 },
  'url and origin disagree': {
    id: ID,
    url: `${ORIGIN}/popup.html`,
    origin: 'https://evil.example',
  },
  'file page': { id: ID, url: 'file:///tmp/x.html', tab: { id: 1 }, frameId: 0 },
};

describe('classifySender', () => {
  it.each([
    ['foreign extension', null],
    ['no id', null],
    ['extension page', 'extension-page'],
    ['extension page in a tab', 'extension-page'],
    ['content script, top frame, enabled origin', 'content-script'],
    ['content script, subframe', null],
    ['content script, other origin', null],
    ['hostile url', null],
    ['url and origin disagree', null],
    ['file page', null],
  ])('%s → %s', (name, kind) => {
    expect(classifySender(SENDERS[name] as SenderInfo, context)).toBe(kind);
  });
});

/** Handlers that record which ran; every request type answers with an empty object. */
function recordingHandlers() {
  const ran: string[] = [];
  const handlers = new Proxy({} as Handlers, {
    get: (_t, type: string) => async () => {
      ran.push(type);
      return {};
    },
  });
  return { handlers, ran };
}

const SAMPLE: { [K in RequestType]: unknown } = {
  'vault.status': { type: 'vault.status' },
  'delivery.get': { type: 'delivery.get' },
  'delivery.save': { type: 'delivery.save', format: 'slack', url: 'https://hooks.example/x' },
  'delivery.remove': { type: 'delivery.remove' },
  'delivery.retry': { type: 'delivery.retry' },
  'delivery.test': { type: 'delivery.test' },
  'vault.create': { type: 'vault.create', passphrase: 'a long enough passphrase' },
  'vault.unlock': { type: 'vault.unlock', passphrase: 'x' },
  'vault.lock': { type: 'vault.lock' },
  'vault.changePassphrase': {
    type: 'vault.changePassphrase',
    current: 'x',
    next: 'a long enough passphrase',
  },
  'vault.export': { type: 'vault.export' },
  'vault.import': { type: 'vault.import', fileText: '{}', passphrase: 'x' },
  'vault.forget': { type: 'vault.forget', confirm: true },
  'profiles.save': {
    type: 'profiles.save',
    profile: {
      label: 'a',
      environment: 'test',
      endpoint: { kind: 'region', region: 'seoul' },
      sdkAppId: 1,
      adminAccount: 'administrator',
      secretKey: 'k',
    },
  },
  'profiles.delete': { type: 'profiles.delete', id: 'x' },
  'profiles.setDefault': { type: 'profiles.setDefault', id: 'x' },
  'profiles.testConnection': { type: 'profiles.testConnection', id: 'x' },
  'mute.state': { type: 'mute.state', profileId: 'p', userId: 'alice' },
  'mute.apply': {
    type: 'mute.apply',
    profileId: 'p',
    userId: 'alice',
    scopes: { c2c: true, group: false },
    seconds: 600,
    reason: '',
    source: 'popup',
    confirmed: [],
  },
  'mute.undo': { type: 'mute.undo', undoId: 'u' },
  'activeMutes.list': { type: 'activeMutes.list', profileId: 'p' },
  'activeMutes.refresh': { type: 'activeMutes.refresh', profileId: 'p' },
  'bulk.start': {
    type: 'bulk.start',
    profileId: 'p',
    text: 'a b',
    action: 'mute',
    scopes: { c2c: true, group: true },
    seconds: 60,
    reason: '',
  },
  'bulk.status': { type: 'bulk.status' },
  'bulk.apply': { type: 'bulk.apply', jobId: 'j', shorten: false },
  'bulk.retryFailed': { type: 'bulk.retryFailed', jobId: 'j' },
  'bulk.cancel': { type: 'bulk.cancel', jobId: 'j' },
  'bulk.clear': { type: 'bulk.clear' },
  'audit.list': { type: 'audit.list' },
  'audit.health': { type: 'audit.health' },
  'storage.problems': { type: 'storage.problems' },
  'storage.reset': { type: 'storage.reset', part: 'settings' },
  'page.config': { type: 'page.config', pageAppIds: [1400187352] },
  'page.states': { type: 'page.states', profileId: 'p', userIds: ['alice'] },
  'page.apply': {
    type: 'page.apply',
    profileId: 'p',
    userId: 'alice',
    scopes: { c2c: true, group: true },
    seconds: 600,
    reason: '',
    confirmed: ['shortens'],
  },
  'page.undo': { type: 'page.undo', undoId: 'u' },
  'page.requestUnlock': { type: 'page.requestUnlock' },
  'page.requestAccess': { type: 'page.requestAccess', profileId: 'p' },
  'sites.list': { type: 'sites.list' },
  'sites.save': {
    type: 'sites.save',
    site: {
      id: 's',
      label: 'Admin',
      pattern: 'https://admin.example.com/*',
      pathPrefixes: [],
      finder: { kind: 'selector', selector: '.uid', source: 'text' },
      profileId: null,
      enabled: true,
      hoverOnly: false,
      builtIn: false,
    },
  },
  'sites.remove': { type: 'sites.remove', id: 's' },
  'picker.start': { type: 'picker.start', tabId: 3, origin: 'https://admin.example.com/*' },
  'picker.save': { type: 'picker.save', finder: { kind: 'column', header: 'UserID' } },
  'quickAction.get': { type: 'quickAction.get' },
  'quickAction.run': { type: 'quickAction.run', id: 'q', confirmed: [] },
  'quickAction.cancel': { type: 'quickAction.cancel', id: 'q' },
  'settings.get': { type: 'settings.get' },
  'settings.update': { type: 'settings.update', patch: { autoLockMinutes: 5 } },
};

/**
 * The policy written out independently of the code under test: the only requests a page's
 * content script may make (none of them reads a secret or changes the vault). Every other
 * request is for the extension's own pages; anyone else gets nothing.
 */
const CONTENT_SCRIPT_MAY: readonly RequestType[] = [
  'page.config',
  'page.states',
  'page.apply',
  'page.undo',
  'page.requestUnlock',
  'page.requestAccess',
  'picker.save',
];
const EXPECTED: Record<string, 'pages' | 'content' | 'nothing'> = {
  'foreign extension': 'nothing',
  'no id': 'nothing',
  'extension page': 'pages',
  'extension page in a tab': 'pages',
  'content script, top frame, enabled origin': 'content',
  'content script, subframe': 'nothing',
  'content script, other origin': 'nothing',
  'hostile url': 'nothing',
  'url and origin disagree': 'nothing',
  'file page': 'nothing',
};

describe('router: senders against every command', () => {
  it('the written-out policy names every sender and a real request type', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(SENDERS).sort());
    for (const type of CONTENT_SCRIPT_MAY) expect(Object.keys(SAMPLE)).toContain(type);
    // The code's table says the same (a change of policy shows up here and below).
    for (const type of Object.keys(SAMPLE) as RequestType[])
      expect([type, SENDER_POLICY[type]]).toEqual([
        type,
        CONTENT_SCRIPT_MAY.includes(type) ? ['content-script'] : ['extension-page'],
      ]);
  });

  for (const [name, sender] of Object.entries(SENDERS)) {
    it(`serves ${name} exactly what the policy allows`, async () => {
      const { handlers, ran } = recordingHandlers();
      const route = createRouter({ handlers, senderContext: async () => context });
      const who = EXPECTED[name];
      const allowed = (type: RequestType) =>
        who === 'content'
          ? CONTENT_SCRIPT_MAY.includes(type)
          : who === 'pages' && !CONTENT_SCRIPT_MAY.includes(type);
      for (const [type, request] of Object.entries(SAMPLE) as Array<[RequestType, unknown]>) {
        const reply = await route(request, sender);
        expect([type, reply]).toEqual([type, allowed(type) ? { ok: true, json: '{}' } : undefined]);
      }
      expect(ran.sort()).toEqual((Object.keys(SAMPLE) as RequestType[]).filter(allowed).sort());
    });
  }
});

describe('router: malformed requests', () => {
  const page = SENDERS['extension page'] as SenderInfo;
  it.each([
    ['an unknown type', { type: 'vault.steal' }],
    ['no type', { passphrase: 'x' }],
    ['an extra field', { type: 'vault.lock', extra: 1 }],
    ['a wrong field type', { type: 'vault.unlock', passphrase: 42 }],
    ['a huge string', { type: 'vault.unlock', passphrase: 'x'.repeat(5000) }],
    ['a __proto__ key', JSON.parse('{"type":"vault.lock","__proto__":{"admin":true}}')],
    ['a short new passphrase', { type: 'vault.create', passphrase: 'short' }],
    ['forget without confirm', { type: 'vault.forget' }],
    ['not an object', 'vault.lock'],
    ['null', null],
  ])('drops %s with invalid-request and keeps serving', async (_name, message) => {
    const { handlers, ran } = recordingHandlers();
    const route = createRouter({ handlers, senderContext: async () => context });
    expect(await route(message, page)).toEqual({ ok: false, error: { kind: 'invalid-request' } });
    expect(ran).toEqual([]);
    expect(await route({ type: 'vault.lock' }, page)).toEqual({ ok: true, json: '{}' });
  });
});

describe('router: errors become plain data', () => {
  const page = SENDERS['extension page'] as SenderInfo;
  const failing = (error: Error): Handlers =>
    new Proxy({} as Handlers, { get: () => () => Promise.reject(error) });

  it.each([
    [new VaultError('wrong-passphrase'), { kind: 'vault', problem: 'wrong-passphrase' }],
    [
      new VaultError('too-many-attempts', 1500.2),
      { kind: 'vault', problem: 'too-many-attempts', retryAfterMs: 1501 },
    ],
    [
      new ChatApiError({ category: 'wrong-region', code: 70016, attempts: 1 }),
      { kind: 'chat-api', error: { category: 'wrong-region', code: 70016, attempts: 1 } },
    ],
    [new HandlerError({ kind: 'not-found' }), { kind: 'not-found' }],
  ])('%s', async (error, expected) => {
    const route = createRouter({ handlers: failing(error), senderContext: async () => context });
    expect(await route({ type: 'vault.lock' }, page)).toEqual({ ok: false, error: expected });
  });

  it('hides unexpected errors, and what they say, behind "internal"', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const route = createRouter({
      handlers: failing(
        new Error('boom usersig=eJsecretsecretsecretsecretsecretsecretsecretsecret'),
      ),
      senderContext: async () => context,
    });
    const reply = await route({ type: 'vault.lock' }, page);
    expect(reply).toEqual({ ok: false, error: { kind: 'internal' } });
    expect(JSON.stringify(spy.mock.calls)).not.toContain('eJsecret');
  });
});

describe('router: what moves the auto-lock idle timer', () => {
  it("a page's own lookups never do; the operator's actions and extension pages do", async () => {
    const { handlers } = recordingHandlers();
    const seen: Array<[string, boolean]> = [];
    const route = createRouter({
      handlers,
      senderContext: async () => context,
      beforeEach: async (_context, type) => {
        seen.push([type, movesIdleTimer(type)]);
      },
    });
    const page = SENDERS['content script, top frame, enabled origin'] as SenderInfo;
    for (const type of [
      'page.config',
      'page.states',
      'page.apply',
      'page.undo',
      'page.requestUnlock',
      'page.requestAccess',
    ] as const)
      await route(SAMPLE[type], page);
    await route(SAMPLE['activeMutes.list'], SENDERS['extension page'] as SenderInfo);
    expect(seen).toEqual([
      ['page.config', false],
      ['page.states', false],
      ['page.apply', true],
      ['page.undo', true],
      // Both come from the operator's click in the popover.
      ['page.requestUnlock', true],
      ['page.requestAccess', true],
      ['activeMutes.list', true],
    ]);
  });
});
