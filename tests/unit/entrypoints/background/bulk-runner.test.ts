import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BULK_ALARM, BULK_KEY } from '../../../../entrypoints/background/bulk-runner';
import type { BulkRunner } from '../../../../entrypoints/background/bulk-runner';
import { countItems, type BulkJob } from '../../../../utils/mute/bulk';
import { PERMANENT_SECONDS } from '../../../../utils/mute/durations';
import {
  backgroundServices,
  DEMO_PROFILE,
  settleBackgroundServices,
} from '../../../support/background-harness';
import { DEMO_USERS, generatedUsers, seedApps } from '../../../support/demo-seed';
import { startEmulator, type Emulator } from '../../../support/emulator/server';

const APP = DEMO_PROFILE.sdkAppId;
const both = { c2c: true, group: true };
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    apps: seedApps(),
    accounts: [...DEMO_USERS, ...generatedUsers(600)],
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

async function until(
  bulk: BulkRunner,
  phases: BulkJob['phase'][],
  timeoutMs = 20_000,
): Promise<BulkJob> {
  const started = Date.now();
  for (;;) {
    const job = await bulk.status();
    if (job && phases.includes(job.phase)) return job;
    if (Date.now() - started > timeoutMs) throw new Error(`job stuck in ${job?.phase}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('BulkRunner', () => {
  it('checks then mutes 500 users, never faster than 200 requests a second', async () => {
    const { bulk, audit } = await backgroundServices(emulator.httpsPort);
    const ids = generatedUsers(500);
    // One per line: a duplicate (its trailing comma is what a paste drags along), a non-ASCII
    // ID and the admin account.
    const text = `${ids.join('\n')}\nuser_0001, \n\u7528\u6237\nadministrator`;
    const job = await bulk.start({
      profileId: 'demo',
      text,
      action: 'mute',
      scopes: both,
      seconds: 3600,
      reason: 'raid',
    });
    expect(job.items).toHaveLength(500);
    expect(job.invalid).toEqual([
      { text: '用户', problem: 'invalid-characters' },
      { text: 'administrator', problem: 'admin-account' },
    ]);
    const checked = await until(bulk, ['ready']);
    expect(countItems(checked)).toMatchObject({ checked: 500, failed: 0 });
    expect(checked.items[0]?.state).toEqual({ c2c: { kind: 'none' }, group: { kind: 'none' } });

    emulator.reset();
    await bulk.apply(job.id, false);
    const done = await until(bulk, ['done']);
    expect(countItems(done)).toMatchObject({ done: 500, failed: 0 });
    expect(emulator.requests).toHaveLength(500);
    expect(emulator.peakPerSecond(APP)).toBeLessThanOrEqual(200);
    expect(emulator.muteState(APP, 'user_0500').group).toBeGreaterThan(3500);
    const log = (await audit.list()).entries;
    expect(log).toHaveLength(500);
    expect(log.every((e) => e.source === 'bulk' && e.reason === 'raid' && e.outcome === 'ok')).toBe(
      true,
    );
  });

  it('skips or shortens the users the dry run found muted for longer, as the operator chose', async () => {
    for (const shorten of [false, true]) {
      fakeBrowser.reset();
      emulator.reset();
      emulator.setMute(APP, 'bob', { c2c: PERMANENT_SECONDS, group: PERMANENT_SECONDS });
      const { bulk } = await backgroundServices(emulator.httpsPort);
      const job = await bulk.start({
        profileId: 'demo',
        text: 'alice bob',
        action: 'mute',
        scopes: both,
        seconds: 600,
        reason: '',
      });
      await until(bulk, ['ready']);
      await bulk.apply(job.id, shorten);
      const done = await until(bulk, ['done']);
      expect(countItems(done)).toMatchObject(
        shorten ? { done: 2, skipped: 0 } : { done: 1, skipped: 1 },
      );
      // Remaining seconds, read a moment after the mute.
      const bob = emulator.muteState(APP, 'bob').c2c;
      if (shorten) {
        expect(bob).toBeGreaterThan(590);
        expect(bob).toBeLessThanOrEqual(600);
      } else expect(bob).toBe(PERMANENT_SECONDS);
      expect(emulator.muteState(APP, 'alice').c2c).toBeGreaterThan(590);
      await settleBackgroundServices();
    }
  });

  it("leaves the organisation's protected IDs out, named, and refuses a duration it does not allow", async () => {
    const { bulk } = await backgroundServices(emulator.httpsPort, {
      policy: { version: 1, protectedIds: ['spammer_*'], longestMuteSeconds: 3600 },
    });
    const input = {
      profileId: 'demo',
      text: 'alice spammer_01 bob spammer_02',
      action: 'mute' as const,
      scopes: both,
      seconds: 600,
      reason: '',
    };
    await expect(bulk.start({ ...input, seconds: 7200 })).rejects.toMatchObject({
      appError: { kind: 'policy', rule: 'longer-than-allowed', longestSeconds: 3600 },
    });
    const job = await bulk.start(input);
    expect(job.invalid).toEqual([
      { text: 'spammer_01', problem: 'protected-id' },
      { text: 'spammer_02', problem: 'protected-id' },
    ]);
    await until(bulk, ['ready']);
    await bulk.apply(job.id, false);
    expect(countItems(await until(bulk, ['done']))).toMatchObject({ done: 2, failed: 0 });
    expect(
      emulator.requests
        .filter((r) => r.command === 'setnospeaking')
        .map((r) => (r.body as { Set_Account?: string }).Set_Account)
        .sort(),
    ).toEqual(['alice', 'bob']);
    // An unmute of the same list leaves nobody out.
    await bulk.clear();
    const unmute = await bulk.start({ ...input, action: 'unmute' });
    expect(unmute.invalid).toEqual([]);
    await until(bulk, ['ready']);
  });

  it('reports a failure per user and retries only the failed ones', async () => {
    const { bulk } = await backgroundServices(emulator.httpsPort);
    const job = await bulk.start({
      profileId: 'demo',
      text: 'alice bob carol',
      action: 'mute',
      scopes: both,
      seconds: 60,
      reason: '',
    });
    await until(bulk, ['ready']);
    emulator.injectFault({ fault: { kind: 'error-code', code: 130014 }, userId: 'bob', times: 3 });
    await bulk.apply(job.id, false);
    const done = await until(bulk, ['done']);
    expect(done.items.find((i) => i.userId === 'bob')).toMatchObject({
      status: 'failed',
      errorCode: 130014,
      errorCategory: 'server-busy',
    });
    expect(countItems(done)).toMatchObject({ done: 2, failed: 1 });
    emulator.reset();
    await bulk.retryFailed(job.id);
    const retried = await until(bulk, ['done']);
    expect(countItems(retried)).toMatchObject({ done: 3, failed: 0 });
    expect(emulator.requests.map((r) => (r.body as { Set_Account: string }).Set_Account)).toEqual([
      'bob',
    ]);
  });

  it('without host access: refused before the dry run; access withdrawn mid-run pauses the job, which carries on when it comes back', async () => {
    let granted = false;
    const { bulk } = await backgroundServices(emulator.httpsPort, { hostAccess: () => granted });
    const input = {
      profileId: 'demo',
      text: 'alice bob carol',
      action: 'mute' as const,
      scopes: both,
      seconds: 60,
      reason: '',
    };
    await expect(bulk.start(input)).rejects.toMatchObject({
      data: { category: 'no-host-access', access: { host: 'adminapisgp.im.qcloud.com' } },
    });
    expect(await bulk.status()).toBeNull();
    expect(emulator.requests).toHaveLength(0);

    granted = true;
    const job = await bulk.start(input);
    await until(bulk, ['ready']);
    granted = false;
    await bulk.apply(job.id, false);
    const paused = await until(bulk, ['paused']);
    // Nothing failed for the users: they wait, unsent, for access to come back, and the job says
    // which host it waits for (the popup shows it with Allow access).
    expect(countItems(paused)).toMatchObject({ done: 0, failed: 0 });
    expect(paused.awaitingAccess?.host).toBe('adminapisgp.im.qcloud.com');
    expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(0);
    // Access given: the worker's permissions.onAdded resumes the job.
    granted = true;
    await bulk.resume();
    const done = await until(bulk, ['done']);
    expect(countItems(done)).toMatchObject({ done: 3, failed: 0 });
    expect(done.awaitingAccess).toBeUndefined();
  });

  it('access withdrawn during the dry run: Retry carries on checking, then applies', async () => {
    let granted = true;
    const { bulk } = await backgroundServices(emulator.httpsPort, { hostAccess: () => granted });
    const job = await bulk.start({
      profileId: 'demo',
      text: generatedUsers(100).join(' '),
      action: 'mute',
      scopes: both,
      seconds: 60,
      reason: '',
    });
    granted = false;
    const paused = await until(bulk, ['paused']);
    expect(paused.items.some((item) => item.status === 'pending')).toBe(true);
    granted = true;
    await bulk.retryFailed(job.id);
    const ready = await until(bulk, ['ready']);
    expect(ready.items.every((item) => item.status === 'checked')).toBe(true);
    await bulk.apply(job.id, false);
    expect(countItems(await until(bulk, ['done']))).toMatchObject({ done: 100, failed: 0 });
  });

  it('picks a job up where a stopped worker left it, after waiting out the rate window', async () => {
    const first = await backgroundServices(emulator.httpsPort);
    const job = await first.bulk.start({
      profileId: 'demo',
      text: generatedUsers(40).join(' '),
      action: 'unmute',
      scopes: both,
      seconds: 0,
      reason: '',
    });
    const ready = await until(first.bulk, ['ready']);
    // Stored as one JSON text (an object would hold the worker ~100 ms per write at 1,000 items).
    const stored = (await fakeBrowser.storage.session.get(BULK_KEY))[BULK_KEY];
    expect(typeof stored).toBe('string');
    expect(JSON.parse(stored as string)).toEqual(ready);
    // The state a worker leaves behind when it stops mid-run: 10 done, 30 still to go.
    const stopped: BulkJob = {
      ...ready,
      phase: 'running',
      items: ready.items.map((item, i) => (i < 10 ? { ...item, status: 'done' } : item)),
    };
    await fakeBrowser.storage.session.set({ [BULK_KEY]: JSON.stringify(stopped) });
    emulator.reset();
    const restarted = await backgroundServices(emulator.httpsPort, { fresh: false });
    const resumedAt = Date.now();
    await restarted.bulk.resume();
    const done = await until(restarted.bulk, ['done']);
    expect(done.id).toBe(job.id);
    expect(countItems(done)).toMatchObject({ done: 40 });
    expect(emulator.requests).toHaveLength(30);
    expect((emulator.requests[0]?.at ?? 0) - resumedAt).toBeGreaterThanOrEqual(1000);
  });

  it('pauses the whole job for a minute on 70050 and resumes from the alarm', async () => {
    let now = Date.now();
    const { bulk } = await backgroundServices(emulator.httpsPort, { now: () => now });
    const job = await bulk.start({
      profileId: 'demo',
      text: 'alice bob carol dave',
      action: 'mute',
      scopes: both,
      seconds: 60,
      reason: '',
    });
    await until(bulk, ['ready']);
    emulator.injectFault({ fault: { kind: 'error-code', code: 70050 } });
    await bulk.apply(job.id, false);
    const paused = await until(bulk, ['paused']);
    expect(paused.pausedUntil).toBe(now + 60_000);
    expect(await fakeBrowser.alarms.get(BULK_ALARM)).toMatchObject({ scheduledTime: now + 60_000 });
    await bulk.idle();
    const sent = emulator.requests.length;
    now += 61_000;
    await bulk.resume();
    const done = await until(bulk, ['done']);
    expect(countItems(done)).toMatchObject({ done: 4, failed: 0 });
    expect(emulator.requests.length).toBeGreaterThan(sent);
  });

  it('cancels: only the calls already in flight still go out, and the rest stay unsent', async () => {
    const { bulk, audit } = await backgroundServices(emulator.httpsPort);
    const job = await bulk.start({
      profileId: 'demo',
      text: generatedUsers(300).join(' '),
      action: 'mute',
      scopes: both,
      seconds: 60,
      reason: '',
    });
    await until(bulk, ['ready']);
    emulator.reset();
    await bulk.apply(job.id, false);
    await vi.waitFor(() => expect(emulator.requests.length).toBeGreaterThanOrEqual(20), {
      timeout: 10_000,
      interval: 1,
    });
    await bulk.cancel(job.id);
    const atCancel = emulator.requests.length;
    await bulk.idle();
    const cancelled = (await bulk.status())!;
    expect(cancelled.phase).toBe('cancelled');
    // At most the 32 calls in flight went out after the cancel.
    expect(emulator.requests.length - atCancel).toBeLessThanOrEqual(32);
    const sent = new Set(
      emulator.requests.map((r) => (r.body as { Set_Account: string }).Set_Account),
    );
    const done = cancelled.items.filter((i) => i.status === 'done').map((i) => i.userId);
    expect(new Set(done)).toEqual(sent);
    expect(cancelled.items.filter((i) => i.status === 'checked')).toHaveLength(300 - sent.size);
    expect(sent.size).toBeLessThan(300);
    // Each call sent is in the audit log once, answered; nothing else is.
    const entries = (await audit.list()).entries;
    expect(entries.map((e) => e.userId).sort()).toEqual([...sent].sort());
    expect(entries.every((e) => e.outcome === 'ok')).toBe(true);
  });

  it('a worker stopped mid-run: the next takes finished items from the audit log and re-sends only those in flight', async () => {
    const first = await backgroundServices(emulator.httpsPort);
    const job = await first.bulk.start({
      profileId: 'demo',
      text: generatedUsers(300).join(' '),
      action: 'mute',
      scopes: both,
      seconds: 3600,
      reason: 'raid',
    });
    const ready = structuredClone(await until(first.bulk, ['ready']));
    emulator.reset();
    // The worker stops after 100 answers: calls then in flight got no outcome recorded, and
    // storage.session still holds the job as it was at Apply (its progress never got there).
    let answered = 0;
    const finish = first.audit.finish.bind(first.audit);
    vi.spyOn(first.audit, 'finish').mockImplementation((outcome) =>
      ++answered > 100 ? new Promise<void>(() => {}) : finish(outcome),
    );
    await first.bulk.apply(job.id, false);
    await vi.waitFor(() => expect(answered).toBeGreaterThan(100 + 31), { timeout: 10_000 });
    // Its last progress write (twice a second) lands first; then the stale snapshot.
    await vi.waitFor(
      async () => expect(countItems((await first.bulk.status())!).done).toBeGreaterThanOrEqual(100),
      { timeout: 2000 },
    );
    await new Promise((r) => setTimeout(r, 600));
    // As an earlier version stored it (an object, not text): it reads the same.
    await fakeBrowser.storage.session.set({ [BULK_KEY]: { ...ready, phase: 'running' } });
    const sentBefore = emulator.requests.length;
    const open = (await first.audit.unresolved()).length;
    expect(open).toBe(0); // all of them are this worker's own, in flight
    const inFlight = (
      (await fakeBrowser.storage.local.get('auditIndex'))['auditIndex'] as { open: unknown[] }
    ).open.length;
    expect(inFlight).toBeGreaterThan(0);
    expect(inFlight).toBeLessThanOrEqual(32);

    const restarted = await backgroundServices(emulator.httpsPort, { fresh: false });
    // The popup asking for the job's status may wake the new worker before its start-up does.
    expect((await restarted.bulk.status())?.phase).toBe('running');
    await restarted.bulk.resume();
    const done = await until(restarted.bulk, ['done']);
    expect(countItems(done)).toMatchObject({ done: 300, failed: 0 });
    const calls = new Map<string, number>();
    for (const r of emulator.requests) {
      const id = (r.body as { Set_Account: string }).Set_Account;
      calls.set(id, (calls.get(id) ?? 0) + 1);
    }
    expect(calls.size).toBe(300);
    const resent = [...calls.values()].filter((n) => n > 1).length;
    expect(resent).toBeLessThanOrEqual(inFlight);
    expect(emulator.requests.length).toBe(300 + resent);
    expect(sentBefore).toBeGreaterThanOrEqual(100);
    const entries = (await restarted.audit.list()).entries;
    expect(entries).toHaveLength(300);
    expect(new Set(entries.map((e) => e.userId)).size).toBe(300);
    expect(entries.every((e) => e.outcome === 'ok' && e.reason === 'raid')).toBe(true);
    expect(await restarted.registry.list('demo')).toHaveLength(300);
  });
});
