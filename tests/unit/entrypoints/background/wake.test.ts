import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AutoLock } from '../../../../entrypoints/background/auto-lock';
import { VaultService, type KeyValueArea } from '../../../../entrypoints/background/vault-service';
import { wakeGuards } from '../../../../entrypoints/background/wake';
import { DEFAULT_SETTINGS } from '../../../../utils/settings';
import { MIN_ITERATIONS } from '../../../../utils/vault/envelope';

const session = () => fakeBrowser.storage.session as unknown as KeyValueArea;

/** A worker's vault and auto-lock with a one-minute idle lock, on a clock the test moves. */
async function worker(clock: { now: number }) {
  const vault = new VaultService({
    local: fakeBrowser.storage.local,
    session: session(),
    iterations: MIN_ITERATIONS,
  });
  const autoLock = new AutoLock({
    vault,
    session: session(),
    alarms: fakeBrowser.alarms,
    settings: async () => ({ ...DEFAULT_SETTINGS, autoLockMinutes: 1 }),
    now: () => clock.now,
  });
  vault.onChange((unlocked) => void autoLock.onVaultChange(unlocked));
  return { vault, autoLock, guards: wakeGuards({ startup: Promise.resolve(), autoLock }) };
}

describe('wake guards', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it("60 s of a page's own lookups with a one-minute lock: locked", async () => {
    const clock = { now: 1_700_000_000_000 };
    const { vault, autoLock, guards } = await worker(clock);
    await vault.create('correct horse battery staple');
    await autoLock.onVaultChange(true);
    for (let t = 0; t <= 60_000; t += 2_000) {
      clock.now += 2_000;
      await guards.beforeRequest({}, t % 4000 === 0 ? 'page.config' : 'page.states');
    }
    expect(await vault.state()).toBe('locked');
  });

  it('the same minute with a click on a page button in it: still unlocked', async () => {
    const clock = { now: 1_700_000_000_000 };
    const { vault, autoLock, guards } = await worker(clock);
    await vault.create('correct horse battery staple');
    await autoLock.onVaultChange(true);
    for (let t = 0; t < 60_000; t += 2_000) {
      clock.now += 2_000;
      await guards.beforeRequest({}, t === 30_000 ? 'page.apply' : 'page.states');
    }
    expect(await vault.state()).toBe('unlocked');
  });

  it.each([
    ['a selection-menu click', true],
    ['an alarm', false],
  ])(
    '%s after the deadline passed while the worker was stopped: locked before it acts',
    async (_what, operator) => {
      const clock = { now: 1_700_000_000_000 };
      const first = await worker(clock);
      await first.vault.create('correct horse battery staple');
      await first.autoLock.onVaultChange(true);
      clock.now += 61_000;
      // A new worker, woken by the event: the session key would restore the vault.
      const next = await worker(clock);
      let seen: string | null = null;
      const handler = next.guards.awake(async () => {
        seen = await next.vault.state();
      }, operator);
      await handler();
      expect(seen).toBe('locked');
    },
  );

  it("an operator's menu action moves the idle deadline; an alarm does not", async () => {
    const clock = { now: 1_700_000_000_000 };
    const { vault, autoLock, guards } = await worker(clock);
    await vault.create('correct horse battery staple');
    await autoLock.onVaultChange(true);
    clock.now += 50_000;
    await guards.awake(async () => {}, false)();
    clock.now += 20_000;
    await guards.beforeRequest({}, 'page.states');
    expect(await vault.state()).toBe('locked');

    await vault.unlock('correct horse battery staple');
    await autoLock.onVaultChange(true);
    clock.now += 50_000;
    await guards.awake(async () => {}, true)();
    clock.now += 20_000;
    await guards.beforeRequest({}, 'page.states');
    expect(await vault.state()).toBe('unlocked');
  });
});
