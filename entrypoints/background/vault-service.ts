import * as z from 'zod/mini';
import { ALLOW_LOOPBACK_HTTP } from '../../utils/build-mode';
import { parseDestinationUrl } from '../../utils/audit/destination';
import { parseCustomEndpoint } from '../../utils/chat-api/endpoint';
import { base64ToBytes, bytesToBase64 } from '../../utils/encoding';
import { createSerialQueue } from '../../utils/serial-queue';
import { BackupSchema, MAX_BACKUP_CHARS, backupFileText } from '../../utils/vault/backup';
import {
  DEFAULT_ITERATIONS,
  deriveVaultKey,
  newSalt,
  open,
  parseEnvelope,
  restoreVaultKey,
  seal,
  type Envelope,
  type VaultKey,
} from '../../utils/vault/envelope';
import { VaultError } from '../../utils/vault/problems';
import { EMPTY_VAULT, VaultDataSchema, type VaultData } from '../../utils/vault/profile';
import { STORED } from '../../utils/storage/keys';

/** The storage calls the vault needs; `browser.storage.local` / `.session` provide them. */
export interface KeyValueArea {
  get(keys: string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
  clear(): Promise<void>;
}

/** storage.local keys. Only ciphertext is ever written here. */
export const VAULT_KEY = STORED.vault.key;
/** Where a re-encrypted record is written and read back before it replaces {@link VAULT_KEY}. */
export const VAULT_NEXT_KEY = STORED.vaultNext.key;
/** Set when a passphrase change was found interrupted: the operator is told, once unlocked. */
export const CHANGE_INTERRUPTED_KEY = STORED.vaultChangeInterrupted.key;
/** storage.session keys (trusted contexts only: content scripts cannot read them). */
export const SESSION_KEY = STORED.vaultSession.key;
export const FAILURES_KEY = STORED.unlockFailures.key;

const SessionSchema = z.strictObject({
  key: z.string().check(z.maxLength(64)),
  salt: z.string().check(z.maxLength(64)),
  iterations: z.int(),
});
const FailuresSchema = z.strictObject({ count: z.int().check(z.minimum(0)), lastAt: z.number() });

export type VaultState = 'uninitialised' | 'locked' | 'unlocked';

interface Unlocked {
  key: VaultKey;
  data: VaultData;
}

export interface VaultServiceDeps {
  local: KeyValueArea;
  session: KeyValueArea;
  now?: () => number;
  /** PBKDF2 iterations for records written from now on. */
  iterations?: number;
}

/** Wrong passphrases allowed before unlocking slows down. */
const FREE_ATTEMPTS = 3;
const MAX_UNLOCK_DELAY_MS = 30_000;

/**
 * The credential vault: the only place secrets are decrypted. Unlocked state lives in memory
 * and in storage.session (so a worker restart stays unlocked); every write is serialised and
 * replaces the stored record in a single `set`, so at any moment the old or the new record
 * decrypts. A lock takes effect at once and wins over anything in flight: each operation notes
 * the lock generation it started in, and one that finishes after a lock leaves the vault locked
 * (its ciphertext write still lands).
 */
export class VaultService {
  private unlocked: Unlocked | null = null;
  /** Bumped by every lock: an operation that started before it must not unlock. */
  private generation = 0;
  private restoring: Promise<void> | null = null;
  private readonly serial = createSerialQueue();
  private readonly listeners = new Set<(unlocked: boolean) => void>();
  private readonly now: () => number;
  private readonly iterations: number;

  constructor(private readonly deps: VaultServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.iterations = deps.iterations ?? DEFAULT_ITERATIONS;
  }

  /** Called with true on unlock and false on lock. */
  onChange(listener: (unlocked: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async state(): Promise<VaultState> {
    await this.restore();
    if (this.unlocked) return 'unlocked';
    const stored = await this.deps.local.get(VAULT_KEY);
    return stored[VAULT_KEY] === undefined ? 'uninitialised' : 'locked';
  }

  /** The secrets held in memory right now (keys, the delivery's URL and key), for the logger's redaction. */
  secretsInMemory(): string[] {
    const data = this.unlocked?.data;
    if (!data) return [];
    const delivery = data.delivery ? [data.delivery.url, data.delivery.secret ?? ''] : [];
    return [...data.profiles.map((p) => p.secretKey), ...delivery].filter((s) => s !== '');
  }

  /** The decrypted data; throws `locked` when the vault is locked. */
  async data(): Promise<VaultData> {
    await this.restore();
    if (!this.unlocked) throw new VaultError('locked');
    return this.unlocked.data;
  }

  /** Creates an empty vault under a new passphrase; refuses if one exists. */
  create(passphrase: string): Promise<void> {
    return this.serial(async () => {
      const stored = await this.deps.local.get(VAULT_KEY);
      if (stored[VAULT_KEY] !== undefined) throw new VaultError('already-exists');
      const key = await deriveVaultKey(passphrase, newSalt(), this.iterations);
      await this.write(VAULT_KEY, await seal(key, JSON.stringify(EMPTY_VAULT)));
      await this.becomeUnlocked({ key, data: EMPTY_VAULT });
    });
  }

  /** Unlocks with the passphrase. Wrong passphrases slow down after a few attempts. */
  unlock(passphrase: string): Promise<void> {
    const generation = this.generation;
    return this.serial(async () => {
      const { key, data, envelope } = await this.openWith(passphrase);
      let unlocked: Unlocked = { key, data };
      // Records at another cost (an old default, or a backup at the ceiling) are re-sealed.
      if (envelope.kdf.iterations !== this.iterations) {
        unlocked = (await this.tryReencrypt(passphrase, data)) ?? unlocked;
      }
      await this.becomeUnlocked(unlocked, generation);
      await this.deps.local.remove(CHANGE_INTERRUPTED_KEY);
    });
  }

  /** Locks at once; anything in flight that would unlock again finds the vault locked. */
  async lock(): Promise<void> {
    this.generation++;
    const wasUnlocked = this.unlocked !== null;
    this.unlocked = null;
    this.restoring = Promise.resolve();
    await this.deps.session.remove(SESSION_KEY);
    if (wasUnlocked) this.emit(false);
  }

  /**
   * At start-up: a second record left by an interrupted passphrase change is removed. If it
   * never replaced the vault, the change did not complete and the old passphrase still opens
   * it: the operator is told (see {@link changeInterrupted}).
   */
  reconcile(): Promise<void> {
    return this.serial(async () => {
      const stored = await this.deps.local.get([VAULT_KEY, VAULT_NEXT_KEY]);
      const next = stored[VAULT_NEXT_KEY];
      if (next === undefined) return;
      const completed = JSON.stringify(next) === JSON.stringify(stored[VAULT_KEY]);
      if (!completed) await this.deps.local.set({ [CHANGE_INTERRUPTED_KEY]: this.now() });
      await this.deps.local.remove(VAULT_NEXT_KEY);
    });
  }

  /** When a passphrase change was found interrupted (null if none since the last unlock). */
  async changeInterrupted(): Promise<number | null> {
    const at = (await this.deps.local.get(CHANGE_INTERRUPTED_KEY))[CHANGE_INTERRUPTED_KEY];
    return typeof at === 'number' ? at : null;
  }

  /** Applies a change to the decrypted data and stores it re-encrypted under a fresh IV. */
  update(change: (data: VaultData) => VaultData): Promise<VaultData> {
    return this.serial(async () => {
      await this.restore();
      const generation = this.generation;
      const current = this.unlocked;
      if (!current) throw new VaultError('locked');
      const next = VaultDataSchema.parse(change(current.data));
      await this.write(VAULT_KEY, await seal(current.key, JSON.stringify(next)));
      // Saved either way; a lock while it was written keeps the vault locked.
      if (generation === this.generation) this.unlocked = { key: current.key, data: next };
      return next;
    });
  }

  /**
   * Re-encrypts the vault under a new passphrase after checking the current one, which is
   * throttled like unlocking.
   */
  changePassphrase(current: string, next: string): Promise<void> {
    const generation = this.generation;
    return this.serial(async () => {
      const { data } = await this.openWith(current);
      const replaced = await this.reencrypt(next, data);
      await this.deps.local.remove(CHANGE_INTERRUPTED_KEY);
      // Changed either way; a lock meanwhile leaves it locked under the new passphrase.
      await this.unlockUnlessLocked(replaced, generation);
    });
  }

  /** The stored record wrapped as a backup file: still encrypted under the passphrase. */
  async exportBackup(): Promise<string> {
    await this.restore();
    if (!this.unlocked) throw new VaultError('locked');
    return backupFileText(await this.readEnvelope(), new Date(this.now()));
  }

  /**
   * Replaces the vault with a backup, after proving the passphrase opens it. Over an existing
   * vault this needs the vault unlocked (the UI confirms first).
   */
  importBackup(text: string, passphrase: string): Promise<void> {
    const generation = this.generation;
    return this.serial(async () => {
      const envelope = parseBackup(text);
      const state = await this.state();
      if (state === 'locked') throw new VaultError('locked');
      await this.throttle();
      const key = await deriveVaultKey(passphrase, envelope.kdf.salt, envelope.kdf.iterations);
      const data = await decryptData(key, envelope);
      if (!data) {
        await this.recordFailure();
        throw new VaultError('wrong-passphrase');
      }
      await this.deps.session.remove(FAILURES_KEY);
      checkEndpoints(data);
      let unlocked: Unlocked = { key, data };
      if (envelope.kdf.iterations !== this.iterations) {
        unlocked = { key: await this.newKey(passphrase), data };
        await this.write(VAULT_KEY, await seal(unlocked.key, JSON.stringify(data)));
      } else {
        await this.write(VAULT_KEY, envelope);
      }
      await this.unlockUnlessLocked(unlocked, generation);
    });
  }

  /** Wipes every trace: local and session storage, and memory. */
  forget(): Promise<void> {
    this.generation++;
    return this.serial(async () => {
      this.generation++;
      const wasUnlocked = this.unlocked !== null;
      this.unlocked = null;
      this.restoring = Promise.resolve();
      await this.deps.session.clear();
      await this.deps.local.clear();
      if (wasUnlocked) this.emit(false);
    });
  }

  /**
   * On a worker's first use: reuse the session key only if it matches the stored record's
   * salt and iterations and still opens it; otherwise clear it and stay locked.
   */
  private restore(): Promise<void> {
    const generation = this.generation;
    this.restoring ??= (async () => {
      const stored = SessionSchema.safeParse(
        (await this.deps.session.get(SESSION_KEY))[SESSION_KEY],
      );
      if (!stored.success) return;
      const envelope = parseEnvelope((await this.deps.local.get(VAULT_KEY))[VAULT_KEY]);
      if (
        envelope.ok &&
        envelope.envelope.kdf.salt === stored.data.salt &&
        envelope.envelope.kdf.iterations === stored.data.iterations
      ) {
        try {
          const key = await restoreVaultKey(
            base64ToBytes(stored.data.key),
            stored.data.salt,
            stored.data.iterations,
          );
          const data = await decryptData(key, envelope.envelope);
          if (data && generation === this.generation) {
            this.unlocked = { key, data };
            return;
          }
        } catch {
          // fall through: a damaged session entry means locked
        }
      }
      await this.deps.session.remove(SESSION_KEY);
    })();
    return this.restoring;
  }

  /** Checks a passphrase against the stored record, throttled: wrong ones slow down. */
  private async openWith(
    passphrase: string,
  ): Promise<{ key: VaultKey; data: VaultData; envelope: Envelope }> {
    await this.throttle();
    const envelope = await this.readEnvelope();
    const key = await deriveVaultKey(passphrase, envelope.kdf.salt, envelope.kdf.iterations);
    const data = await decryptData(key, envelope);
    if (!data) {
      await this.recordFailure();
      throw new VaultError('wrong-passphrase');
    }
    await this.deps.session.remove(FAILURES_KEY);
    return { key, data, envelope };
  }

  private async readEnvelope(): Promise<Envelope> {
    const stored = (await this.deps.local.get(VAULT_KEY))[VAULT_KEY];
    if (stored === undefined) throw new VaultError('no-vault');
    const parsed = parseEnvelope(stored);
    if (!parsed.ok) throw new VaultError(parsed.problem);
    return parsed.envelope;
  }

  private async write(key: string, envelope: Envelope): Promise<void> {
    try {
      await this.deps.local.set({ [key]: envelope });
    } catch {
      throw new VaultError('storage-failed');
    }
  }

  private newKey(passphrase: string): Promise<VaultKey> {
    return deriveVaultKey(passphrase, newSalt(), this.iterations);
  }

  /**
   * Re-encrypts under a new key: the new record goes to a second slot, is read back and
   * decrypted, and only then replaces the current one. Until that single `set`, the old
   * record stays in place and keeps decrypting.
   */
  private async reencrypt(passphrase: string, data: VaultData): Promise<Unlocked> {
    const key = await this.newKey(passphrase);
    const plaintext = JSON.stringify(data);
    await this.write(VAULT_NEXT_KEY, await seal(key, plaintext));
    const readBack = parseEnvelope((await this.deps.local.get(VAULT_NEXT_KEY))[VAULT_NEXT_KEY]);
    if (!readBack.ok || (await open(key, readBack.envelope)) !== plaintext) {
      await this.deps.local.remove(VAULT_NEXT_KEY).catch(() => {});
      throw new VaultError('storage-failed');
    }
    await this.write(VAULT_KEY, readBack.envelope);
    await this.deps.local.remove(VAULT_NEXT_KEY).catch(() => {});
    return { key, data };
  }

  /** Upgrade after unlock; on any failure the old record stays and the vault opens anyway. */
  private async tryReencrypt(passphrase: string, data: VaultData): Promise<Unlocked | null> {
    try {
      return await this.reencrypt(passphrase, data);
    } catch {
      return null;
    }
  }

  /** After a change that landed: unlocked, or locked if a lock came meanwhile (no error). */
  private async unlockUnlessLocked(unlocked: Unlocked, generation: number): Promise<void> {
    try {
      await this.becomeUnlocked(unlocked, generation);
    } catch (error) {
      if (!(error instanceof VaultError && error.problem === 'locked')) throw error;
    }
  }

  /** Unlocks, unless a lock came after `generation` (then it stays locked and says so). */
  private async becomeUnlocked(unlocked: Unlocked, generation = this.generation): Promise<void> {
    if (generation !== this.generation) throw new VaultError('locked');
    const wasUnlocked = this.unlocked !== null;
    this.unlocked = unlocked;
    this.restoring = Promise.resolve();
    await this.deps.session.set({
      [SESSION_KEY]: {
        key: bytesToBase64(unlocked.key.raw),
        salt: unlocked.key.salt,
        iterations: unlocked.key.iterations,
      },
    });
    if (generation !== this.generation) {
      // Locked while the session key was being written: take it back.
      this.unlocked = null;
      await this.deps.session.remove(SESSION_KEY);
      throw new VaultError('locked');
    }
    if (!wasUnlocked) this.emit(true);
  }

  private async throttle(): Promise<void> {
    const failures = FailuresSchema.safeParse(
      (await this.deps.session.get(FAILURES_KEY))[FAILURES_KEY],
    );
    if (!failures.success) return;
    const wait = unlockDelayMs(failures.data.count) - (this.now() - failures.data.lastAt);
    if (wait > 0) throw new VaultError('too-many-attempts', wait);
  }

  private async recordFailure(): Promise<void> {
    const failures = FailuresSchema.safeParse(
      (await this.deps.session.get(FAILURES_KEY))[FAILURES_KEY],
    );
    const count = (failures.success ? failures.data.count : 0) + 1;
    await this.deps.session.set({ [FAILURES_KEY]: { count, lastAt: this.now() } });
  }

  private emit(unlocked: boolean): void {
    for (const listener of this.listeners) listener(unlocked);
  }
}

/** How long to wait after `count` consecutive wrong passphrases: 0 for the first three, then
 * 1 s, 2 s, 4 s … up to 30 s. */
export function unlockDelayMs(count: number): number {
  if (count < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_UNLOCK_DELAY_MS, 1000 * 2 ** (count - FREE_ATTEMPTS));
}

async function decryptData(key: VaultKey, envelope: Envelope): Promise<VaultData | null> {
  const plaintext = await open(key, envelope);
  if (plaintext === null) return null;
  try {
    const parsed = VaultDataSchema.safeParse(JSON.parse(plaintext));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A backup's apps must pass the rules an app saved here passes: a custom endpoint is https
 * (plain http only to loopback, only in the loopback build), with no credentials, query or
 * fragment, so a UserSig can never travel in clear text or to a crafted URL; so is the audit
 * delivery's destination (https, no credentials).
 */
function checkEndpoints(data: VaultData): void {
  if (data.delivery && !parseDestinationUrl(data.delivery.url).ok)
    throw new VaultError('backup-insecure-endpoint');
  for (const profile of data.profiles) {
    if (profile.endpoint.kind !== 'custom') continue;
    const parsed = parseCustomEndpoint(profile.endpoint.baseUrl, ALLOW_LOOPBACK_HTTP);
    if (!parsed.ok)
      throw new VaultError(
        parsed.problem === 'insecure' ? 'backup-insecure-endpoint' : 'backup-endpoint-extras',
      );
  }
}

function parseBackup(text: string): Envelope {
  if (text.length > MAX_BACKUP_CHARS) throw new VaultError('bad-backup');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new VaultError('bad-backup');
  }
  const backup = BackupSchema.safeParse(json);
  if (!backup.success) throw new VaultError('bad-backup');
  const envelope = parseEnvelope(backup.data.vault);
  if (!envelope.ok)
    throw new VaultError(envelope.problem === 'corrupted' ? 'bad-backup' : envelope.problem);
  return envelope.envelope;
}
