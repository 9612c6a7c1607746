import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ChatApiError } from '../../../../utils/chat-api/errors';
import { PERMANENT_SECONDS } from '../../../../utils/mute/durations';
import {
  backgroundServices,
  DEMO_PROFILE,
  settleBackgroundServices,
} from '../../../support/background-harness';
import { DEMO_USERS, seedApps } from '../../../support/demo-seed';
import { startEmulator, type Emulator } from '../../../support/emulator/server';

const APP = DEMO_PROFILE.sdkAppId;
const both = { c2c: true, group: true };
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

describe('MuteService', () => {
  it('mutes, records the action in the audit log and the registry, and keeps an undo', async () => {
    const { mute, audit, registry } = await backgroundServices(emulator.httpsPort);
    const outcome = await mute.apply({
      profileId: 'demo',
      userId: 'alice',
      scopes: both,
      seconds: 600,
      reason: 'spam',
      source: 'popup',
      undoable: true,
      confirmed: [],
    });
    expect(emulator.muteState(APP, 'alice').c2c).toBeGreaterThan(595);
    expect(outcome.previous).toEqual({ c2c: { kind: 'none' }, group: { kind: 'none' } });
    expect(outcome.undoId).not.toBeNull();
    const [entry] = (await audit.list()).entries;
    expect(entry).toMatchObject({
      userId: 'alice',
      action: 'mute',
      seconds: 600,
      reason: 'spam',
      source: 'popup',
      outcome: 'ok',
      appLabel: DEMO_PROFILE.label,
    });
    expect(await registry.list('demo')).toMatchObject([{ userId: 'alice', reason: 'spam' }]);
  });

  it('names the moderator on every entry, and the log filters by moderator', async () => {
    const policy = { version: 1, moderatorName: 'mod-night-1' };
    const { mute, audit } = await backgroundServices(emulator.httpsPort, { policy });
    const action = {
      profileId: 'demo',
      scopes: both,
      seconds: 600,
      reason: '',
      source: 'popup' as const,
      undoable: false,
      confirmed: [],
    };
    await mute.apply({ ...action, userId: 'alice' });
    await mute.apply({ ...action, userId: 'bob', seconds: 0 });
    const listed = await audit.list();
    expect(listed.entries.map((e) => [e.userId, e.moderator])).toEqual([
      ['alice', 'mod-night-1'],
      ['bob', 'mod-night-1'],
    ]);
    expect(listed.moderators).toEqual(['mod-night-1']);
    expect((await audit.list({ moderator: 'mod-night-1' })).entries).toHaveLength(2);
    expect((await audit.list({ moderator: 'someone-else' })).entries).toHaveLength(0);
  });

  it('undo restores the previous longer mute, not just an unmute', async () => {
    const { mute, audit } = await backgroundServices(emulator.httpsPort);
    emulator.setMute(APP, 'bob', { c2c: 86400, group: PERMANENT_SECONDS });
    const outcome = await mute.apply({
      profileId: 'demo',
      userId: 'bob',
      scopes: both,
      seconds: 600,
      reason: '',
      source: 'popup',
      undoable: true,
      confirmed: ['shortens'],
    });
    expect(emulator.muteState(APP, 'bob').group).toBeLessThanOrEqual(600);
    await mute.undo(outcome.undoId ?? '', 'popup');
    const restored = emulator.muteState(APP, 'bob');
    expect(restored.group).toBe(PERMANENT_SECONDS);
    expect(restored.c2c).toBeGreaterThan(86390);
    expect((await audit.list()).entries.map((e) => e.action)).toEqual(['mute', 'undo']);
    // An undo is used once.
    await expect(mute.undo(outcome.undoId ?? '', 'popup')).rejects.toThrow();
  });

  it("under the organisation's policy: an undo that would mute a protected ID again is refused and kept; its app's fixed fields apply", async () => {
    const { mute } = await backgroundServices(emulator.httpsPort, {
      policy: {
        version: 1,
        protectedIds: ['spammer_*'],
        confirmProduction: true,
        apps: [
          {
            label: 'Team community',
            sdkAppId: APP,
            endpoint: { kind: 'region', region: 'singapore' },
            environment: 'production',
            adminAccount: DEMO_PROFILE.adminAccount,
          },
        ],
      },
    });
    // The stored profile ("Demo community") takes the fields the policy fixed for its SDKAppID,
    // and a production app asks first, as the policy says, whatever the operator's setting.
    expect(await mute.profile('demo')).toMatchObject({
      label: 'Team community',
      environment: 'production',
    });
    const ask = {
      profileId: 'demo',
      scopes: both,
      reason: '',
      source: 'popup' as const,
      undoable: true,
    };
    await expect(
      mute.apply({ ...ask, userId: 'alice', seconds: 600, confirmed: [] }),
    ).rejects.toMatchObject({
      appError: { kind: 'needs-confirmation', questions: ['production'] },
    });
    // Unmuting a protected ID is allowed; undoing that unmute would mute it again: refused.
    emulator.setMute(APP, 'spammer_01', { c2c: 86400, group: 86400 });
    const unmuted = await mute.apply({ ...ask, userId: 'spammer_01', seconds: 0, confirmed: [] });
    expect(emulator.muteState(APP, 'spammer_01').c2c).toBe(0);
    const sent = emulator.requests.length;
    await expect(mute.undo(unmuted.undoId ?? '', 'popup')).rejects.toMatchObject({
      appError: { kind: 'policy', rule: 'protected-id' },
    });
    expect(emulator.requests.length).toBe(sent);
    // The record is kept (nothing was sent): the same refusal again, not "not found".
    await expect(mute.undo(unmuted.undoId ?? '', 'popup')).rejects.toMatchObject({
      appError: { kind: 'policy', rule: 'protected-id' },
    });
  });

  it('a mute that would shorten one in place, or is permanent, sends nothing until the operator says yes', async () => {
    const { mute, audit } = await backgroundServices(emulator.httpsPort);
    emulator.setMute(APP, 'bob', { c2c: PERMANENT_SECONDS });
    const input = {
      profileId: 'demo',
      userId: 'bob',
      scopes: both,
      seconds: 3600,
      reason: '',
      source: 'menu' as const,
      undoable: true,
    };
    await expect(mute.apply({ ...input, confirmed: [] })).rejects.toMatchObject({
      appError: {
        kind: 'needs-confirmation',
        questions: ['shortens'],
        shortened: [{ scope: 'c2c', before: PERMANENT_SECONDS, after: 3600 }],
      },
    });
    // A yes to another question does not cover this one.
    await expect(mute.apply({ ...input, confirmed: ['permanent'] })).rejects.toMatchObject({
      appError: { kind: 'needs-confirmation' },
    });
    expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(0);
    expect((await audit.list()).entries).toEqual([]);
    expect(emulator.muteState(APP, 'bob').c2c).toBe(PERMANENT_SECONDS);
    await expect(
      mute.apply({ ...input, userId: 'carol', seconds: PERMANENT_SECONDS, confirmed: [] }),
    ).rejects.toMatchObject({ appError: { kind: 'needs-confirmation', questions: ['permanent'] } });
    // An explicit unmute says what it does and needs no yes.
    await mute.apply({ ...input, seconds: 0, confirmed: [] });
    expect(emulator.muteState(APP, 'bob').c2c).toBe(0);
  });

  it('changes only the chosen scope', async () => {
    const { mute } = await backgroundServices(emulator.httpsPort);
    emulator.setMute(APP, 'carol', { c2c: 3600 });
    await mute.apply({
      profileId: 'demo',
      userId: 'carol',
      scopes: { c2c: false, group: true },
      seconds: 120,
      reason: '',
      source: 'popup',
      undoable: false,
      confirmed: [],
    });
    const state = emulator.muteState(APP, 'carol');
    expect(state.c2c).toBeGreaterThan(3590);
    expect(state.group).toBeGreaterThan(115);
  });

  it("refuses to mute the app's own admin account, sending nothing", async () => {
    const { mute } = await backgroundServices(emulator.httpsPort);
    await expect(
      mute.apply({
        profileId: 'demo',
        userId: 'administrator',
        scopes: both,
        seconds: 600,
        reason: '',
        source: 'popup',
        undoable: true,
        confirmed: [],
      }),
    ).rejects.toMatchObject({ appError: { kind: 'invalid-input', field: 'admin-account' } });
    expect(emulator.requests).toHaveLength(0);
  });

  it('tells a non-existent account from a permanently muted one', async () => {
    const { mute } = await backgroundServices(emulator.httpsPort);
    expect(await mute.readState('demo', 'nobody')).toMatchObject({ exists: false });
    emulator.setMute(APP, 'dave', { c2c: PERMANENT_SECONDS, group: PERMANENT_SECONDS });
    expect(await mute.readState('demo', 'dave')).toMatchObject({
      exists: true,
      state: { c2c: { kind: 'permanent' }, group: { kind: 'permanent' } },
    });
  });

  it('records a failed action with its error code and leaves the registry alone', async () => {
    const { mute, audit, registry } = await backgroundServices(emulator.httpsPort);
    await expect(
      mute.apply({
        profileId: 'demo',
        userId: 'nobody',
        scopes: both,
        seconds: 600,
        reason: '',
        source: 'popup',
        undoable: true,
        confirmed: [],
        knownPrevious: { c2c: { kind: 'none' }, group: { kind: 'none' } },
      }),
    ).rejects.toBeInstanceOf(ChatApiError);
    expect((await audit.list()).entries).toMatchObject([
      { userId: 'nobody', outcome: 'failed', errorCode: 70107, errorCategory: 'user-not-found' },
    ]);
    expect(await registry.list('demo')).toEqual([]);
  });

  it('is locked out with the vault', async () => {
    const { mute, vault } = await backgroundServices(emulator.httpsPort);
    await vault.lock();
    await expect(mute.readState('demo', 'alice')).rejects.toMatchObject({ problem: 'locked' });
  });

  it('audits an action from a page with a 3,000-character URL: no fragment, cut to size', async () => {
    const { mute, audit } = await backgroundServices(emulator.httpsPort);
    const url = `https://admin.example.com/users?q=${'x'.repeat(3000)}#token=secret`;
    await mute.apply({
      profileId: 'demo',
      userId: 'alice',
      scopes: both,
      seconds: 600,
      reason: 'r'.repeat(250),
      source: 'page',
      pageUrl: url,
      undoable: true,
      confirmed: [],
    });
    expect(emulator.muteState(APP, 'alice').c2c).toBeGreaterThan(590);
    const [entry] = (await audit.list()).entries;
    expect(entry).toMatchObject({ userId: 'alice', outcome: 'ok', source: 'page' });
    expect(entry?.pageUrl).toBe(url.slice(0, 2048));
    expect(entry?.pageUrl).not.toContain('#');
    expect(entry?.reason).toHaveLength(200);
  });

  it('sends nothing when the audit log cannot record the action first', async () => {
    const { mute, audit } = await backgroundServices(emulator.httpsPort);
    const set = vi
      .spyOn(fakeBrowser.storage.local, 'set')
      .mockRejectedValue(new Error('Resource::kQuotaBytes quota exceeded'));
    await expect(
      mute.apply({
        profileId: 'demo',
        userId: 'alice',
        scopes: both,
        seconds: 600,
        reason: '',
        source: 'popup',
        undoable: true,
        confirmed: [],
      }),
    ).rejects.toMatchObject({ appError: { kind: 'audit-unwritable', quota: true } });
    expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(0);
    expect(audit.health().quota).toBe(true);
    set.mockRestore();
  });

  it('without host access: nothing sent, nothing audited, and the error names the host', async () => {
    const { mute, audit } = await backgroundServices(emulator.httpsPort, {
      hostAccess: () => false,
    });
    const error = await mute
      .apply({
        profileId: 'demo',
        userId: 'alice',
        scopes: both,
        seconds: 600,
        reason: '',
        source: 'menu',
        undoable: true,
        confirmed: [],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatApiError);
    expect((error as ChatApiError).data).toMatchObject({
      category: 'no-host-access',
      access: { host: 'adminapisgp.im.qcloud.com' },
    });
    expect(emulator.requests).toHaveLength(0);
    expect((await audit.list()).entries).toHaveLength(0);
  });

  it('an Undo that could not be sent (no host access, then the vault locked) is kept and works once that is fixed', async () => {
    let granted = true;
    const { mute, vault } = await backgroundServices(emulator.httpsPort, {
      hostAccess: () => granted,
    });
    emulator.setMute(APP, 'bob', { c2c: 86400, group: 86400 });
    const outcome = await mute.apply({
      profileId: 'demo',
      userId: 'bob',
      scopes: both,
      seconds: PERMANENT_SECONDS,
      reason: '',
      source: 'popup',
      undoable: true,
      confirmed: ['permanent', 'production'],
    });
    const undoId = outcome.undoId ?? '';
    granted = false;
    await expect(mute.undo(undoId, 'popup')).rejects.toMatchObject({
      data: { category: 'no-host-access' },
    });
    granted = true;
    await vault.lock();
    await expect(mute.undo(undoId, 'popup')).rejects.toMatchObject({ problem: 'locked' });
    await vault.unlock('correct horse battery staple');
    await mute.undo(undoId, 'popup');
    expect(emulator.muteState(APP, 'bob').group).toBeGreaterThan(86000);
    expect(emulator.muteState(APP, 'bob').group).toBeLessThan(PERMANENT_SECONDS);
  });

  it('settles, at the next start, the actions a stopped worker left without an outcome', async () => {
    const first = await backgroundServices(emulator.httpsPort);
    // The worker stops after the call, before the outcome is written: the mute took.
    vi.spyOn(first.audit, 'finish').mockReturnValue(new Promise<void>(() => {}));
    const input = {
      profileId: 'demo',
      scopes: both,
      seconds: 600,
      reason: 'raid',
      source: 'popup' as const,
      undoable: false,
      confirmed: [],
      knownPrevious: { c2c: { kind: 'none' as const }, group: { kind: 'none' as const } },
    };
    void first.mute.apply({ ...input, userId: 'alice' });
    await vi.waitFor(() => expect(emulator.muteState(APP, 'alice').c2c).toBeGreaterThan(0));
    // And one whose intent was written but whose call never went out.
    await first.audit.begin({
      k: 'intent',
      id: 'never-sent',
      at: Date.now(),
      profileId: 'demo',
      appLabel: DEMO_PROFILE.label,
      sdkAppId: APP,
      environment: 'production',
      userId: 'bob',
      action: 'mute',
      scopes: both,
      previous: null,
      next: {
        c2c: { kind: 'timed', until: Date.now() + 600_000 },
        group: { kind: 'timed', until: Date.now() + 600_000 },
      },
      seconds: 600,
      reason: '',
      source: 'popup',
    });
    expect((await first.audit.list()).entries.map((e) => e.outcome)).toEqual([
      'unknown',
      'unknown',
    ]);

    const restarted = await backgroundServices(emulator.httpsPort, { fresh: false });
    await restarted.vault.unlock('correct horse battery staple');
    // An intent a bulk job still owns is left to it.
    expect(await restarted.mute.resolveUnknown((id) => id === 'never-sent')).toBe(1);
    expect((await restarted.audit.list()).entries.map((e) => e.outcome)).toEqual(['ok', 'unknown']);
    expect(await restarted.mute.resolveUnknown(() => false)).toBe(1);
    const entries = (await restarted.audit.list()).entries;
    expect(entries.map((e) => [e.userId, e.outcome, typeof e.resolvedAt])).toEqual([
      ['alice', 'ok', 'number'],
      ['bob', 'failed', 'number'],
    ]);
    expect(await restarted.registry.list('demo')).toMatchObject([
      { userId: 'alice', reason: 'raid' },
    ]);
    expect(await restarted.mute.resolveUnknown(() => false)).toBe(0);
  });
});
