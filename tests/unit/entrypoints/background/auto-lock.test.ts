import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  AUTO_LOCK_ALARM,
  AutoLock,
  DEADLINE_KEY,
} from '../../../../entrypoints/background/auto-lock';
import { VaultService, type KeyValueArea } from '../../../../entrypoints/background/vault-service';
import { MIN_ITERATIONS } from '../../../../utils/vault/envelope';
import { DEFAULT_SETTINGS, type Settings } from '../../../../utils/settings';

const session = () => fakeBrowser.storage.session as unknown as KeyValueArea;

async function setup(settings: Settings = DEFAULT_SETTINGS) {
  let now = 1_700_000_000_000;
  const vault = new VaultService({
    local: fakeBrowser.storage.local,
    session: session(),
    iterations: MIN_ITERATIONS,
  });
  const autoLock = new AutoLock({
    vault,
    session: session(),
    alarms: fakeBrowser.alarms,
    settings: async () => settings,
    now: () => now,
  });
  vault.onChange((unlocked) => void autoLock.onVaultChange(unlocked));
  await vault.create('correct horse battery staple');
  await autoLock.onVaultChange(true);
  return { vault, autoLock, advance: (ms: number) => (now += ms), now: () => now };
}

describe('AutoLock', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('sets a deadline and an alarm at the idle time on unlock', async () => {
    const { now } = await setup();
    expect((await session().get(DEADLINE_KEY))[DEADLINE_KEY]).toBe(now() + 15 * 60_000);
    expect(await fakeBrowser.alarms.get(AUTO_LOCK_ALARM)).toMatchObject({
      scheduledTime: now() + 15 * 60_000,
    });
  });

  it('locks when the alarm fires after the idle time', async () => {
    const { vault, autoLock, advance } = await setup();
    advance(15 * 60_000);
    await autoLock.onAlarm(AUTO_LOCK_ALARM);
    expect(await vault.state()).toBe('locked');
    expect(await fakeBrowser.alarms.get(AUTO_LOCK_ALARM)).toBeUndefined();
  });

  it('activity pushes the deadline out', async () => {
    const { vault, autoLock, advance } = await setup();
    advance(10 * 60_000);
    await autoLock.touch();
    advance(10 * 60_000);
    await autoLock.enforce();
    expect(await vault.state()).toBe('unlocked');
    advance(6 * 60_000);
    await autoLock.enforce();
    expect(await vault.state()).toBe('locked');
  });

  it('locks on the next wake when the timeout passed while the worker was stopped', async () => {
    const { advance, now } = await setup();
    advance(16 * 60_000);
    // A new worker: new service objects over the same session storage.
    const vault = new VaultService({
      local: fakeBrowser.storage.local,
      session: session(),
      iterations: MIN_ITERATIONS,
    });
    const autoLock = new AutoLock({
      vault,
      session: session(),
      alarms: fakeBrowser.alarms,
      settings: async () => DEFAULT_SETTINGS,
      now,
    });
    await autoLock.enforce();
    expect(await vault.state()).toBe('locked');
  });

  it('locks when the OS locks the screen, and not when it is merely idle', async () => {
    const { vault, autoLock } = await setup();
    await autoLock.onIdleState('idle');
    expect(await vault.state()).toBe('unlocked');
    await autoLock.onIdleState('locked');
    expect(await vault.state()).toBe('locked');
  });

  it('"only when the browser closes" sets no timer', async () => {
    const { vault, autoLock, advance } = await setup({
      ...DEFAULT_SETTINGS,
      autoLockMinutes: null,
    });
    expect((await session().get(DEADLINE_KEY))[DEADLINE_KEY]).toBeUndefined();
    expect(await fakeBrowser.alarms.get(AUTO_LOCK_ALARM)).toBeUndefined();
    advance(48 * 3600_000);
    await autoLock.enforce();
    expect(await vault.state()).toBe('unlocked');
  });

  it('clears the timer when the vault locks', async () => {
    const { vault } = await setup();
    await vault.lock();
    await new Promise((r) => setTimeout(r, 0));
    expect((await session().get(DEADLINE_KEY))[DEADLINE_KEY]).toBeUndefined();
    expect(await fakeBrowser.alarms.get(AUTO_LOCK_ALARM)).toBeUndefined();
  });
});
