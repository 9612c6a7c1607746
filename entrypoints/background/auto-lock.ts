import * as z from 'zod/mini';
import type { Settings } from '../../utils/settings';
import type { KeyValueArea, VaultService } from './vault-service';
import { STORED } from '../../utils/storage/keys';

export const AUTO_LOCK_ALARM = 'vault-auto-lock';
/** storage.session key holding the epoch-ms deadline; it outlives a stopped worker. */
export const DEADLINE_KEY = STORED.autoLockDeadline.key;
/** Moving the deadline by less than this does not rewrite it: requests stay cheap. */
const DEADLINE_SLACK_MS = 15_000;

export interface AlarmsLike {
  create(name: string, info: { when: number }): void | Promise<void>;
  clear(name: string): Promise<boolean> | Promise<void> | boolean | void;
}

export interface AutoLockDeps {
  vault: VaultService;
  session: KeyValueArea;
  alarms: AlarmsLike;
  settings: () => Promise<Settings>;
  now?: () => number;
}

/**
 * Locks the vault after the operator's idle time, when the OS locks the screen, and on browser
 * start. The deadline sits in storage.session and an alarm, and is checked on every wake, so a
 * timeout that passed while the worker was stopped locks before the next request runs.
 */
export class AutoLock {
  private readonly now: () => number;
  private lastWritten = 0;

  constructor(private readonly deps: AutoLockDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Locks if the deadline has passed. Call before serving anything. */
  async enforce(): Promise<void> {
    const deadline = await this.deadline();
    if (deadline !== null && this.now() >= deadline) await this.deps.vault.lock();
  }

  /** Marks operator activity: pushes the deadline out while the vault is unlocked. */
  async touch(): Promise<void> {
    if ((await this.deps.vault.state()) !== 'unlocked') return;
    const minutes = (await this.deps.settings()).autoLockMinutes;
    if (minutes === null) {
      await this.clear();
      return;
    }
    const deadline = this.now() + minutes * 60_000;
    if (Math.abs(deadline - this.lastWritten) < DEADLINE_SLACK_MS) return;
    this.lastWritten = deadline;
    await this.deps.session.set({ [DEADLINE_KEY]: deadline });
    await this.deps.alarms.create(AUTO_LOCK_ALARM, { when: deadline });
  }

  /** The idle API's verdict: a locked screen locks the vault. */
  async onIdleState(state: string): Promise<void> {
    if (state === 'locked') await this.deps.vault.lock();
  }

  async onAlarm(name: string): Promise<void> {
    if (name === AUTO_LOCK_ALARM) await this.enforce();
  }

  /** Keeps the timer in step with the vault: started on unlock, cleared on lock. */
  async onVaultChange(unlocked: boolean): Promise<void> {
    this.lastWritten = 0;
    if (unlocked) await this.touch();
    else await this.clear();
  }

  /** A changed idle setting takes effect from now. */
  async onSettingsChange(): Promise<void> {
    this.lastWritten = 0;
    await this.touch();
  }

  private async deadline(): Promise<number | null> {
    const parsed = z.number().safeParse((await this.deps.session.get(DEADLINE_KEY))[DEADLINE_KEY]);
    return parsed.success ? parsed.data : null;
  }

  private async clear(): Promise<void> {
    this.lastWritten = 0;
    await this.deps.session.remove(DEADLINE_KEY);
    await this.deps.alarms.clear(AUTO_LOCK_ALARM);
  }
}
