import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
    const text = `${ids.join('\n')}\nuser_0001, \u7528\u6237 administrator`;
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
    // The state a worker leaves behind when it stops mid-run: 10 done, 30 still to go.
    const stopped: BulkJob = {
      ...ready,
      phase: 'running',
      items: ready.items.map((item, i) => (i < 10 ? { ...item, status: 'done' } : item)),
    };
    await fakeBrowser.storage.session.set({ [BULK_KEY]: stopped });
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
    await new Promise((r) => setTimeout(r, 100));
    const sent = emulator.requests.length;
    now += 61_000;
    await bulk.resume();
    const done = await until(bulk, ['done']);
    expect(countItems(done)).toMatchObject({ done: 4, failed: 0 });
    expect(emulator.requests.length).toBeGreaterThan(sent);
  });

  it('cancels: what was not sent stays unsent', async () => {
    const { bulk } = await backgroundServices(emulator.httpsPort);
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
    await bulk.cancel(job.id);
    const cancelled = await until(bulk, ['cancelled']);
    await new Promise((r) => setTimeout(r, 300));
    expect(countItems(cancelled).done).toBeLessThan(300);
    expect(emulator.requests.length).toBeLessThan(300);
  });
});
