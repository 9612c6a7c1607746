import { auditPageUrl, type AuditEntry, type Source } from '../../utils/audit/entry';
import type { IntentRecord } from '../../utils/audit/records';
import type { RetryInfo } from '../../utils/chat-api/client';
import { ChatApiError } from '../../utils/chat-api/errors';
import {
  covers,
  decide,
  policyError,
  policyRefusal,
  refusal,
  type MuteLimits,
  type Question,
  type Refusal,
} from '../../utils/mute/decision';
import { PERMANENT_SECONDS, UNMUTE_SECONDS } from '../../utils/mute/durations';
import { scopedSeconds, type ScopedSeconds, type Scopes } from '../../utils/mute/scopes';
import {
  NOT_MUTED,
  SCOPE_NAMES,
  applySeconds,
  remainingSeconds,
  tookEffect,
  scopeFromSeconds,
  type MuteState,
} from '../../utils/mute/state';
import type { EffectiveSettings } from '../../utils/settings';
import { withManagedFields } from '../../utils/policy/policy';
import type { Profile } from '../../utils/vault/profile';
import type { ActiveMutes } from './active-mutes';
import { AuditUnwritable, type AuditLog } from './audit-log';
import type { ChatService } from './chat-service';
import { HandlerError } from './router';
import { UNDO_WINDOW_MS, type UndoRecord, type UndoStore } from './undo-store';
import type { VaultService } from './vault-service';
import { VaultError } from '../../utils/vault/problems';

/** A state read back is trusted this long as "the previous state" of the next action. */
const STATE_FRESH_MS = 15_000;

export interface StateView {
  state: MuteState;
  /** False when the account does not exist (checked only when it reads as permanently muted). */
  exists: boolean;
  readAt: number;
}

export interface ApplyInput {
  profileId: string;
  userId: string;
  scopes: Scopes;
  /** 0 unmutes; 4294967295 is permanent. */
  seconds: number;
  reason: string;
  source: Source;
  pageUrl?: string;
  /** The previous state when the caller already knows it (a bulk dry run). */
  knownPrevious?: MuteState;
  /** The audit entry's id when the caller names it (a bulk item: the same after a restart). */
  entryId?: string;
  /** Whether to keep an undo record (single actions; not bulk). */
  undoable: boolean;
  /**
   * The questions of the one decision (utils/mute/decision.ts) the operator said yes to. An
   * apply that now needs a yes it did not get does nothing and answers `needs-confirmation`.
   */
  confirmed: readonly Question[];
  onRetry?: (info: RetryInfo) => void;
}

export interface ApplyOutcome {
  previous: MuteState | null;
  next: MuteState;
  undoId: string | null;
  undoExpiresAt: number | null;
}

/**
 * Muting, unmuting and undoing for every path (popup, bulk, menu, page buttons): reads the
 * state first, records the intent in the audit log (nothing is sent if that fails), applies,
 * records the outcome, then the active-mutes registry and (for single actions) the undo store.
 */
export class MuteService {
  private readonly states = new Map<string, StateView>();
  /** Actions (and settling runs) under way: "Forget everything" waits for them. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: {
      vault: VaultService;
      chat: ChatService;
      audit: AuditLog;
      registry: ActiveMutes;
      undo: UndoStore;
      /** The settings in force, the organisation's policy applied. */
      settings: () => Promise<
        Pick<EffectiveSettings, 'confirmProduction' | 'policy' | 'moderatorName'>
      >;
      now: () => number;
    },
  ) {}

  /** The app an action runs on, with the fields the organisation fixed for it. */
  async profile(profileId: string): Promise<Profile> {
    const profile = (await this.deps.vault.data()).profiles.find((p) => p.id === profileId);
    if (!profile) throw new HandlerError({ kind: 'not-found' });
    return withManagedFields(profile, (await this.deps.settings()).policy.rules.apps);
  }

  /** The organisation's limits on mutes, as they are now. */
  async limits(): Promise<MuteLimits> {
    return (await this.deps.settings()).policy.rules;
  }

  /** Throws `no-host-access` when the browser withholds access to the app's API host. */
  async requireHostAccess(profileId: string): Promise<void> {
    await this.deps.chat.clientFor(await this.profile(profileId)).requireHostAccess();
  }

  /** After "Forget everything": no state read so far is kept. */
  clearCache(): void {
    this.states.clear();
  }

  /** Resolves once every action and settling run under way has finished, however. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.then(
      () => this.running.delete(work),
      () => this.running.delete(work),
    );
    return work;
  }

  /** Reads a user's state; an apparent permanent mute on both scopes is checked for existence. */
  async readState(profileId: string, userId: string): Promise<StateView> {
    const profile = await this.profile(profileId);
    const client = this.deps.chat.clientFor(profile);
    const seconds = await client.getNoSpeaking(userId);
    const readAt = this.deps.now();
    let exists = true;
    if (seconds.c2c === PERMANENT_SECONDS && seconds.group === PERMANENT_SECONDS) {
      // One version of Tencent's docs says unknown accounts read as permanently muted.
      exists = (await client.accountCheck([userId]))[0]?.exists ?? false;
    }
    const view: StateView = {
      state: exists
        ? {
            c2c: scopeFromSeconds(seconds.c2c, readAt),
            group: scopeFromSeconds(seconds.group, readAt),
          }
        : NOT_MUTED,
      exists,
      readAt,
    };
    this.states.set(cacheKey(profileId, userId), view);
    return view;
  }

  /**
   * Mutes or unmutes (0 seconds) as the one decision allows: refused for the admin account or
   * no scope; asked (nothing sent) when it would shorten a mute in place, is permanent, or hits
   * a production app that asks, unless the operator already said yes to exactly that.
   */
  async apply(input: ApplyInput): Promise<ApplyOutcome> {
    const profile = await this.profile(input.profileId);
    const rules = await this.deps.settings();
    const refused = refusal(input.userId, input, profile, rules.policy.rules);
    if (refused) throw refusalError(refused, rules.policy.rules);
    const previous = input.knownPrevious ?? (await this.previousState(profile.id, input.userId));
    const decision = decide({
      userId: input.userId,
      request: {
        action: input.seconds === UNMUTE_SECONDS ? 'unmute' : 'mute',
        scopes: input.scopes,
        seconds: input.seconds,
      },
      state: previous,
      app: profile,
      rules,
      now: this.deps.now(),
    });
    if (decision.kind === 'ask' && !covers(input.confirmed, decision))
      throw new HandlerError({
        kind: 'needs-confirmation',
        questions: decision.questions,
        shortened: decision.shortened,
      });
    const seconds = scopedSeconds(input.scopes, input.seconds);
    return this.set(
      profile,
      input,
      seconds,
      previous,
      input.seconds === UNMUTE_SECONDS ? 'unmute' : 'mute',
    );
  }

  /** Re-applies what an action replaced, on the scopes it changed. */
  async undo(undoId: string, source: Source): Promise<ApplyOutcome> {
    const record = await this.deps.undo.take(undoId);
    if (!record) throw new HandlerError({ kind: 'not-found' });
    return this.keepingUndo(record, async () => {
      const profile = await this.profile(record.profileId);
      const now = this.deps.now();
      const seconds: ScopedSeconds = {};
      for (const scope of SCOPE_NAMES) {
        if (record.scopes[scope]) seconds[scope] = remainingSeconds(record.previous[scope], now);
      }
      // Restoring a mute is muting: the policy has its say (a protected ID stays unmuted).
      const limits = (await this.deps.settings()).policy.rules;
      for (const value of Object.values(seconds)) {
        const refused = policyRefusal(record.userId, value, limits);
        if (refused) throw refusalError(refused, limits);
      }
      const current = this.states.get(cacheKey(profile.id, record.userId))?.state ?? null;
      return this.set(
        profile,
        {
          profileId: profile.id,
          userId: record.userId,
          scopes: record.scopes,
          seconds: 0,
          reason: '',
          source,
          undoable: false,
          confirmed: [],
        },
        seconds,
        current,
        'undo',
      );
    });
  }

  /**
   * An undo that sent nothing (the vault locked, no host access, the audit log refused it first)
   * is kept, to be tried again once that is fixed.
   */
  private async keepingUndo(
    record: UndoRecord,
    send: () => Promise<ApplyOutcome>,
  ): Promise<ApplyOutcome> {
    try {
      return await send();
    } catch (error) {
      if (sentNothing(error)) await this.deps.undo.add(record);
      throw error;
    }
  }

  private async previousState(profileId: string, userId: string): Promise<MuteState> {
    const cached = this.states.get(cacheKey(profileId, userId));
    if (cached && this.deps.now() - cached.readAt < STATE_FRESH_MS) return cached.state;
    return (await this.readState(profileId, userId)).state;
  }

  private set(
    profile: Profile,
    input: ApplyInput,
    seconds: ScopedSeconds,
    previous: MuteState | null,
    action: AuditEntry['action'],
  ): Promise<ApplyOutcome> {
    return this.track(this.send(profile, input, seconds, previous, action));
  }

  private async send(
    profile: Profile,
    input: ApplyInput,
    seconds: ScopedSeconds,
    previous: MuteState | null,
    action: AuditEntry['action'],
  ): Promise<ApplyOutcome> {
    const client = this.deps.chat.clientFor(profile);
    const { moderatorName } = await this.deps.settings();
    let now = this.deps.now();
    // Everything the entry keeps is cut to size here, before the call: nothing after it can fail.
    const intent: IntentRecord = {
      k: 'intent',
      id: input.entryId ?? crypto.randomUUID(),
      at: now,
      profileId: profile.id,
      appLabel: profile.label.slice(0, 60),
      sdkAppId: profile.sdkAppId,
      environment: profile.environment,
      userId: input.userId,
      action,
      scopes: input.scopes,
      previous,
      next: applyScoped(previous ?? NOT_MUTED, seconds, now),
      seconds: seconds.c2c ?? seconds.group ?? 0,
      reason: input.reason.slice(0, 200),
      source: input.source,
      ...(moderatorName === null ? {} : { moderator: moderatorName }),
      ...(input.pageUrl === undefined ? {} : { pageUrl: auditPageUrl(input.pageUrl) }),
    };
    // A call the browser would block is not an action: nothing is recorded or sent.
    await client.requireHostAccess();
    try {
      await this.deps.audit.begin(intent);
    } catch (error) {
      if (error instanceof AuditUnwritable)
        throw new HandlerError({ kind: 'audit-unwritable', quota: error.quota });
      throw error;
    }
    try {
      await client.setNoSpeaking(
        input.userId,
        seconds,
        input.onRetry ? { onRetry: input.onRetry } : {},
      );
    } catch (error) {
      const api = error instanceof ChatApiError ? error.data : null;
      await this.deps.audit.finish({
        k: 'outcome',
        id: intent.id,
        at: this.deps.now(),
        outcome: 'failed',
        errorCode: api?.code ?? null,
        ...(api ? { errorCategory: api.category } : {}),
      });
      throw error;
    }
    now = this.deps.now();
    const next = applyScoped(previous ?? NOT_MUTED, seconds, now);
    this.states.set(cacheKey(profile.id, input.userId), { state: next, exists: true, readAt: now });
    await this.deps.audit.finish({
      k: 'outcome',
      id: intent.id,
      at: now,
      outcome: 'ok',
      next,
      errorCode: null,
    });
    this.noteApplied({ ...intent, at: now, next });
    let undoId: string | null = null;
    let undoExpiresAt: number | null = null;
    if (input.undoable && previous) {
      undoId = crypto.randomUUID();
      undoExpiresAt = now + UNDO_WINDOW_MS;
      await this.deps.undo.add({
        id: undoId,
        profileId: profile.id,
        userId: input.userId,
        previous,
        scopes: input.scopes,
        expiresAt: undoExpiresAt,
      });
    }
    return { previous, next, undoId, undoExpiresAt };
  }

  /**
   * Settles the actions an earlier worker recorded but stopped before answering: reads each
   * user's state and records whether the action took (outcome marked as resolved). Intents
   * `skip` names (a bulk job sends them again) are left; so are those a read cannot settle
   * (the app is gone, the network is down, or a timed mute has run out since): next unlock.
   */
  resolveUnknown(skip: (entryId: string) => boolean): Promise<number> {
    return this.track(this.settle(skip));
  }

  private async settle(skip: (entryId: string) => boolean): Promise<number> {
    if ((await this.deps.vault.state()) !== 'unlocked') return 0;
    const profiles = (await this.deps.vault.data()).profiles;
    let resolved = 0;
    for (const intent of await this.deps.audit.unresolved()) {
      if (skip(intent.id) || !profiles.some((p) => p.id === intent.profileId)) continue;
      let view: StateView;
      try {
        view = await this.readState(intent.profileId, intent.userId);
      } catch {
        continue;
      }
      const took = tookEffect(intent, view.state, view.readAt);
      // Settled meanwhile (a bulk job sent it again and got its answer): that answer stands.
      if (took === null || skip(intent.id) || !(await this.deps.audit.isOpen(intent.id))) continue;
      await this.deps.audit.finish({
        k: 'outcome',
        id: intent.id,
        at: view.readAt,
        outcome: took ? 'ok' : 'failed',
        errorCode: null,
        resolved: true,
      });
      if (took) this.noteApplied(intent);
      resolved++;
    }
    return resolved;
  }

  /** An action that took: the active-mutes registry follows it. */
  noteApplied(
    entry: Pick<
      IntentRecord,
      'profileId' | 'sdkAppId' | 'userId' | 'next' | 'reason' | 'at' | 'source'
    >,
  ): void {
    this.deps.registry.record({
      profileId: entry.profileId,
      sdkAppId: entry.sdkAppId,
      userId: entry.userId,
      state: entry.next,
      reason: entry.reason,
      appliedAt: entry.at,
      source: entry.source,
      changedElsewhere: false,
      checkedAt: null,
    });
  }
}

function cacheKey(profileId: string, userId: string): string {
  return `${profileId}\u0000${userId}`;
}

/** The state after per-scope seconds (each scope may get its own value, as undo needs). */
function applyScoped(state: MuteState, seconds: ScopedSeconds, now: number): MuteState {
  let next = state;
  for (const scope of SCOPE_NAMES) {
    const value = seconds[scope];
    if (value !== undefined) {
      next = applySeconds(next, { c2c: scope === 'c2c', group: scope === 'group' }, value, now);
    }
  }
  return next;
}

/** A refusal as the error the caller reads. */
function refusalError(refused: Refusal, limits: MuteLimits): HandlerError {
  if (refused === 'admin-account' || refused === 'no-scope')
    return new HandlerError({
      kind: 'invalid-input',
      field: refused === 'admin-account' ? 'admin-account' : 'scopes',
    });
  return new HandlerError(policyError(refused, limits.longestMuteSeconds));
}

/** A failure that happened before anything was sent. */
function sentNothing(error: unknown): boolean {
  return (
    (error instanceof HandlerError && error.appError.kind === 'policy') ||
    (error instanceof HandlerError && error.appError.kind === 'audit-unwritable') ||
    (error instanceof ChatApiError && error.data.category === 'no-host-access') ||
    (error instanceof VaultError && error.problem === 'locked')
  );
}
