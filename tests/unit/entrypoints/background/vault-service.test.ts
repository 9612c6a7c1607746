import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  CHANGE_INTERRUPTED_KEY,
  FAILURES_KEY,
  SESSION_KEY,
  VAULT_KEY,
  VAULT_NEXT_KEY,
  VaultService,
  unlockDelayMs,
  type KeyValueArea,
} from '../../../../entrypoints/background/vault-service';
import { MIN_ITERATIONS } from '../../../../utils/vault/envelope';
import { VaultError } from '../../../../utils/vault/problems';
import type { Profile } from '../../../../utils/vault/profile';

const PASS = 'correct horse battery staple';
const SECRET = 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed';
const PROFILE: Profile = {
  id: 'p1',
  label: 'Community',
  environment: 'production',
  endpoint: { kind: 'region', region: 'singapore' },
  sdkAppId: 1400000001,
  adminAccount: 'administrator',
  secretKey: SECRET,
};

const local = () => fakeBrowser.storage.local as unknown as KeyValueArea;
const session = () => fakeBrowser.storage.session as unknown as KeyValueArea;

function service(overrides: Partial<ConstructorParameters<typeof VaultService>[0]> = {}) {
  return new VaultService({
    local: local(),
    session: session(),
    iterations: MIN_ITERATIONS,
    ...overrides,
  });
}

async function problemOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultError);
  return (error as VaultError).problem;
}

async function snapshotLocal(): Promise<string> {
  return JSON.stringify(await local().get([VAULT_KEY, VAULT_NEXT_KEY]));
}

describe('VaultService lifecycle', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('goes from uninitialised to unlocked to locked, keeping only ciphertext in storage.local', async () => {
    const vault = service();
    expect(await vault.state()).toBe('uninitialised');
    await vault.create(PASS);
    expect(await vault.state()).toBe('unlocked');
    await vault.update((d) => ({ ...d, profiles: [PROFILE], defaultProfileId: 'p1' }));
    const stored = JSON.stringify(await fakeBrowser.storage.local.get(null));
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('Community');
    expect(stored).not.toContain(PASS);
    await vault.lock();
    expect(await vault.state()).toBe('locked');
    expect(await problemOf(vault.data())).toBe('locked');
    expect(await fakeBrowser.storage.session.get(SESSION_KEY)).toEqual({});
  });

  it('unlocks with the passphrase and gives the data back', async () => {
    await service().create(PASS);
    await service().update((d) => ({ ...d, profiles: [PROFILE] }));
    const fresh = service();
    await fresh.lock();
    await fresh.unlock(PASS);
    expect((await fresh.data()).profiles).toEqual([PROFILE]);
  });

  it('refuses to create a second vault over the first', async () => {
    await service().create(PASS);
    expect(await problemOf(service().create('another passphrase'))).toBe('already-exists');
  });

  it('tells a wrong passphrase apart, writes nothing, and slows down after three', async () => {
    let now = 1_000_000;
    const vault = service({ now: () => now });
    await vault.create(PASS);
    await vault.lock();
    const before = await snapshotLocal();
    for (let i = 0; i < 3; i++)
      expect(await problemOf(vault.unlock('wrong passphrase!'))).toBe('wrong-passphrase');
    const blocked = await vault.unlock(PASS).catch((e: unknown) => e);
    expect(blocked).toMatchObject({ problem: 'too-many-attempts', retryAfterMs: 1000 });
    now += 1000;
    expect(await problemOf(vault.unlock('wrong again!!'))).toBe('wrong-passphrase');
    const second = await vault.unlock(PASS).catch((e: unknown) => e);
    expect(second).toMatchObject({ problem: 'too-many-attempts', retryAfterMs: 2000 });
    expect(await snapshotLocal()).toBe(before);
    now += 2000;
    await vault.unlock(PASS);
    expect(await vault.state()).toBe('unlocked');
    expect(await fakeBrowser.storage.session.get(FAILURES_KEY)).toEqual({});
  });

  it('keeps the slow-down across a worker restart', async () => {
    const vault = service({ now: () => 5000 });
    await vault.create(PASS);
    await vault.lock();
    for (let i = 0; i < 3; i++) await vault.unlock('nope nope nope').catch(() => {});
    expect(await problemOf(service({ now: () => 5000 }).unlock(PASS))).toBe('too-many-attempts');
  });

  it('caps the slow-down at 30 seconds', () => {
    expect([0, 1, 2, 3, 4, 5, 8, 20].map(unlockDelayMs)).toEqual([
      0, 0, 0, 1000, 2000, 4000, 30000, 30000,
    ]);
  });

  it('stays unlocked across a worker restart, from storage.session', async () => {
    await service().create(PASS);
    await service().update((d) => ({ ...d, profiles: [PROFILE] }));
    const restarted = service();
    expect(await restarted.state()).toBe('unlocked');
    expect((await restarted.data()).profiles[0]?.secretKey).toBe(SECRET);
  });

  it('does not reuse a session key that does not match the stored record', async () => {
    await service().create(PASS);
    const { [SESSION_KEY]: sessionEntry } = await fakeBrowser.storage.session.get(SESSION_KEY);
    await service().forget();
    await service().create('a different passphrase');
    await service().lock();
    await fakeBrowser.storage.session.set({ [SESSION_KEY]: sessionEntry });
    const restarted = service();
    expect(await restarted.state()).toBe('locked');
    expect(await fakeBrowser.storage.session.get(SESSION_KEY)).toEqual({});
  });

  it('ignores a damaged session entry and stays locked', async () => {
    await service().create(PASS);
    await fakeBrowser.storage.session.set({ [SESSION_KEY]: { key: 'garbage', salt: 1 } });
    expect(await service().state()).toBe('locked');
  });
});

describe('VaultService stored records', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('keeps decrypting the frozen format-1 fixture, and upgrades it to the current iteration count', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../../fixtures/vault/format-1-600k.json', import.meta.url), 'utf8'),
    ) as unknown;
    await local().set({ [VAULT_KEY]: fixture });
    const vault = service({ iterations: 700_000 });
    await vault.unlock('fixture passphrase ✓ 正しい');
    expect((await vault.data()).profiles[0]).toMatchObject({
      label: 'Fixture app',
      secretKey: 'fixture-secret-key-0123456789abcdef',
    });
    const { [VAULT_KEY]: upgraded, [VAULT_NEXT_KEY]: slot } = await local().get([
      VAULT_KEY,
      VAULT_NEXT_KEY,
    ]);
    expect(upgraded).toMatchObject({ format: 1, kdf: { iterations: 700_000 } });
    expect(slot).toBeUndefined();
    await vault.lock();
    await vault.unlock('fixture passphrase ✓ 正しい');
    expect((await vault.data()).defaultProfileId).toBe('p-demo');
  });

  it('leaves the old record in place when an upgrade cannot be written', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../../fixtures/vault/format-1-600k.json', import.meta.url), 'utf8'),
    ) as unknown;
    await local().set({ [VAULT_KEY]: fixture });
    const failing: KeyValueArea = {
      ...local(),
      get: (k) => local().get(k),
      remove: (k) => local().remove(k),
      clear: () => local().clear(),
      set: async (items) => {
        if (VAULT_KEY in items) throw new Error('QUOTA_BYTES quota exceeded');
        await local().set(items);
      },
    };
    const vault = service({ local: failing, iterations: 700_000 });
    await vault.unlock('fixture passphrase ✓ 正しい');
    expect(await vault.state()).toBe('unlocked');
    expect((await local().get(VAULT_KEY))[VAULT_KEY]).toEqual(fixture);
  });

  it.each([
    ['corrupted', { format: 1, kdf: 'x' }],
    ['unsupported-version', { format: 9, kdf: {}, cipher: {}, ciphertext: '' }],
    [
      'weak-kdf',
      {
        format: 1,
        kdf: { name: 'PBKDF2-SHA256', iterations: 10, salt: 'AAAAAAAAAAAAAAAAAAAAAA==' },
        cipher: { name: 'AES-256-GCM', iv: 'AAAAAAAAAAAAAAAA' },
        ciphertext: 'A'.repeat(40),
      },
    ],
  ])('explains a %s record and leaves it untouched', async (problem, record) => {
    await local().set({ [VAULT_KEY]: record });
    const vault = service();
    expect(await vault.state()).toBe('locked');
    expect(await problemOf(vault.unlock(PASS))).toBe(problem);
    expect((await local().get(VAULT_KEY))[VAULT_KEY]).toEqual(record);
  });

  it('reports a failed write and keeps the previous data readable', async () => {
    await service().create(PASS);
    await service().update((d) => ({ ...d, profiles: [PROFILE] }));
    const failing: KeyValueArea = {
      ...local(),
      get: (k) => local().get(k),
      remove: (k) => local().remove(k),
      clear: () => local().clear(),
      set: () => Promise.reject(new Error('disk full')),
    };
    const vault = service({ local: failing });
    expect(await problemOf(vault.update((d) => ({ ...d, profiles: [] })))).toBe('storage-failed');
    expect((await vault.data()).profiles).toEqual([PROFILE]);
    const reader = service();
    await reader.lock();
    await reader.unlock(PASS);
    expect((await reader.data()).profiles).toEqual([PROFILE]);
  });

  it('serialises concurrent updates so none is lost', async () => {
    const vault = service();
    await vault.create(PASS);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        vault.update((d) => ({ ...d, profiles: [...d.profiles, { ...PROFILE, id: `p${i}` }] })),
      ),
    );
    const reader = service();
    await reader.lock();
    await reader.unlock(PASS);
    expect((await reader.data()).profiles.map((p) => p.id).sort()).toEqual([
      'p0',
      'p1',
      'p2',
      'p3',
      'p4',
      'p5',
      'p6',
      'p7',
      'p8',
      'p9',
    ]);
  });

  it('refuses data that does not fit the schema, and writes nothing', async () => {
    const vault = service();
    await vault.create(PASS);
    const before = await snapshotLocal();
    await expect(
      vault.update((d) => ({ ...d, profiles: [{ ...PROFILE, sdkAppId: -1 }] })),
    ).rejects.toThrow();
    expect(await snapshotLocal()).toBe(before);
  });
});

describe('VaultService passphrase change, backup and forgetting', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('changes the passphrase: the old one stops working, the new one opens the same data', async () => {
    const vault = service();
    await vault.create(PASS);
    await vault.update((d) => ({ ...d, profiles: [PROFILE] }));
    expect(
      await problemOf(vault.changePassphrase('not the passphrase', 'new passphrase 2026')),
    ).toBe('wrong-passphrase');
    await vault.changePassphrase(PASS, 'new passphrase 2026');
    expect(await vault.state()).toBe('unlocked');
    await vault.lock();
    expect(await problemOf(vault.unlock(PASS))).toBe('wrong-passphrase');
    await vault.unlock('new passphrase 2026');
    expect((await vault.data()).profiles).toEqual([PROFILE]);
  });

  it('keeps the old vault whole when the new record cannot be written', async () => {
    const vault = service();
    await vault.create(PASS);
    const failing: KeyValueArea = {
      ...local(),
      get: (k) => local().get(k),
      remove: (k) => local().remove(k),
      clear: () => local().clear(),
      set: () => Promise.reject(new Error('disk full')),
    };
    const broken = service({ local: failing });
    expect(await problemOf(broken.changePassphrase(PASS, 'new passphrase 2026'))).toBe(
      'storage-failed',
    );
    const reader = service();
    await reader.lock();
    await reader.unlock(PASS);
  });

  it('exports an encrypted backup and imports it into an empty browser', async () => {
    const vault = service();
    await vault.create(PASS);
    await vault.update((d) => ({ ...d, profiles: [PROFILE], defaultProfileId: 'p1' }));
    const backup = await vault.exportBackup();
    expect(backup).not.toContain(SECRET);
    expect(JSON.parse(backup)).toMatchObject({ type: 'mute-console-vault-backup', version: 1 });

    fakeBrowser.reset();
    const other = service();
    expect(await other.state()).toBe('uninitialised');
    expect(await problemOf(other.importBackup(backup, 'wrong passphrase'))).toBe(
      'wrong-passphrase',
    );
    expect(await other.state()).toBe('uninitialised');
    await other.importBackup(backup, PASS);
    expect(await other.data()).toEqual({ profiles: [PROFILE], defaultProfileId: 'p1' });
  });

  it('refuses to export while locked, and to import over a locked vault', async () => {
    const vault = service();
    await vault.create(PASS);
    const backup = await vault.exportBackup();
    await vault.lock();
    expect(await problemOf(vault.exportBackup())).toBe('locked');
    expect(await problemOf(vault.importBackup(backup, PASS))).toBe('locked');
  });

  it.each([
    ['not JSON', 'hello'],
    ['another file', '{"type":"something-else"}'],
    [
      'a damaged record',
      JSON.stringify({
        type: 'mute-console-vault-backup',
        version: 1,
        exportedAt: 'x',
        vault: { format: 1 },
      }),
    ],
    ['a huge file', 'x'.repeat(2_000_001)],
  ])('refuses %s as a backup', async (_name, text) => {
    expect(await problemOf(service().importBackup(text, PASS))).toBe('bad-backup');
  });

  it('forgets everything: local, session and memory', async () => {
    const vault = service();
    await vault.create(PASS);
    await fakeBrowser.storage.local.set({ settings: { x: 1 } });
    await vault.forget();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    expect(await vault.state()).toBe('uninitialised');
    expect(await problemOf(vault.data())).toBe('locked');
  });

  it('tells listeners about locking and unlocking', async () => {
    const events: boolean[] = [];
    const vault = service();
    vault.onChange((unlocked) => events.push(unlocked));
    await vault.create(PASS);
    await vault.lock();
    await vault.unlock(PASS);
    await vault.forget();
    expect(events).toEqual([true, false, true, false]);
  });
});

describe('VaultService under races and crafted input (issue 16)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  /** storage.local whose writes wait until released: a slow disk. */
  function slowLocal() {
    const held: Array<() => void> = [];
    const area: KeyValueArea = {
      get: (k) => local().get(k),
      remove: (k) => local().remove(k),
      clear: () => local().clear(),
      set: async (items) => {
        await new Promise<void>((resolve) => held.push(resolve));
        await local().set(items);
      },
    };
    return { area, held, release: () => held.splice(0).forEach((r) => r()) };
  }

  it('a lock during a slow save wins: the save lands, the vault stays locked', async () => {
    await service().create(PASS);
    const slow = slowLocal();
    const vault = service({ local: slow.area });
    await vault.unlock(PASS);
    const saving = vault.update((d) => ({ ...d, profiles: [PROFILE], defaultProfileId: 'p1' }));
    await vi.waitFor(() => expect(slow.held).toHaveLength(1));
    await vault.lock();
    slow.release();
    await saving;
    expect(await vault.state()).toBe('locked');
    expect(await problemOf(vault.data())).toBe('locked');
    expect((await session().get(SESSION_KEY))[SESSION_KEY]).toBeUndefined();
    // The save itself landed, under the passphrase.
    const reader = service();
    await reader.unlock(PASS);
    expect((await reader.data()).profiles).toEqual([PROFILE]);
  });

  it('a lock while an unlock is under way leaves it locked', async () => {
    await service().create(PASS);
    const vault = service();
    await vault.lock();
    const unlocking = vault.unlock(PASS);
    await vault.lock();
    expect(await problemOf(unlocking)).toBe('locked');
    expect(await vault.state()).toBe('locked');
    expect((await session().get(SESSION_KEY))[SESSION_KEY]).toBeUndefined();
  });

  it('a passphrase change is throttled like unlocking', async () => {
    const vault = service();
    await vault.create(PASS);
    for (let i = 0; i < 3; i++)
      expect(await problemOf(vault.changePassphrase('guess', 'new passphrase 2026'))).toBe(
        'wrong-passphrase',
      );
    expect(await problemOf(vault.changePassphrase(PASS, 'new passphrase 2026'))).toBe(
      'too-many-attempts',
    );
    // The lock screen shares the count.
    await vault.lock();
    expect(await problemOf(vault.unlock(PASS))).toBe('too-many-attempts');
  });

  it('an import is throttled too', async () => {
    const vault = service();
    await vault.create(PASS);
    const backup = await vault.exportBackup();
    fakeBrowser.reset();
    const other = service();
    for (let i = 0; i < 3; i++)
      expect(await problemOf(other.importBackup(backup, 'guess'))).toBe('wrong-passphrase');
    expect(await problemOf(other.importBackup(backup, PASS))).toBe('too-many-attempts');
    expect(await other.state()).toBe('uninitialised');
  });

  it.each([
    ['http://proxy.example.com/im', 'backup-insecure-endpoint'],
    ['https://user:pw@proxy.example.com/im', 'backup-endpoint-extras'],
    ['https://proxy.example.com/im?sdkappid=1', 'backup-endpoint-extras'],
    ['https://proxy.example.com/im#x', 'backup-endpoint-extras'],
  ])(
    'refuses a backup whose app sends to %s (%s), keeping the vault as it was',
    async (url, problem) => {
      const crafted = service();
      await crafted.create(PASS);
      await crafted.update((d) => ({
        ...d,
        profiles: [{ ...PROFILE, endpoint: { kind: 'custom', baseUrl: url } }],
      }));
      const backup = await crafted.exportBackup();
      fakeBrowser.reset();
      const vault = service();
      await vault.create('my own passphrase 2026');
      const before = await snapshotLocal();
      expect(await problemOf(vault.importBackup(backup, PASS))).toBe(problem);
      expect(await snapshotLocal()).toBe(before);
      expect((await vault.data()).profiles).toEqual([]);
    },
  );

  it("re-seals a backup made at another iteration count at this build's count", async () => {
    const heavy = service({ iterations: 700_000 });
    await heavy.create(PASS);
    const backup = await heavy.exportBackup();
    fakeBrowser.reset();
    const vault = service({ iterations: MIN_ITERATIONS });
    await vault.importBackup(backup, PASS);
    const stored = (await local().get(VAULT_KEY))[VAULT_KEY];
    expect(stored).toMatchObject({ kdf: { iterations: MIN_ITERATIONS } });
    await vault.lock();
    await vault.unlock(PASS);
  });

  it('re-seals at unlock a record at a higher count than this build uses', async () => {
    await service({ iterations: 700_000 }).create(PASS);
    const vault = service({ iterations: MIN_ITERATIONS });
    await vault.unlock(PASS);
    expect((await local().get(VAULT_KEY))[VAULT_KEY]).toMatchObject({
      kdf: { iterations: MIN_ITERATIONS },
    });
  });

  it('reconciles a passphrase change a stopped worker left half done, and says so until the next unlock', async () => {
    const vault = service();
    await vault.create(PASS);
    // The new record was written to the second slot, then the worker stopped.
    const other = service();
    const { [VAULT_KEY]: current } = await local().get(VAULT_KEY);
    await local().set({ [VAULT_NEXT_KEY]: { ...(current as object), iv: 'AAAAAAAAAAAAAAAA' } });
    await other.reconcile();
    expect((await local().get(VAULT_NEXT_KEY))[VAULT_NEXT_KEY]).toBeUndefined();
    expect(await other.changeInterrupted()).toEqual(expect.any(Number));
    await other.lock();
    await other.unlock(PASS); // the old passphrase still opens it
    expect(await other.changeInterrupted()).toBeNull();
  });

  it('a change that replaced the vault before the worker stopped is complete: no notice', async () => {
    const vault = service();
    await vault.create(PASS);
    const { [VAULT_KEY]: current } = await local().get(VAULT_KEY);
    await local().set({ [VAULT_NEXT_KEY]: current });
    await service().reconcile();
    expect(await local().get([VAULT_NEXT_KEY, CHANGE_INTERRUPTED_KEY])).toEqual({});
  });
});
