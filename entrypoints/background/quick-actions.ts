import { ChatApiError } from '../../utils/chat-api/errors';
import { durationText } from '../../utils/mute/duration-text';
import { keyPart, t, type MessageKey } from '../../utils/i18n';
import { describeError } from '../../utils/messages/describe-error';
import { decide, type Question, presetsWithin } from '../../utils/mute/decision';
import type { QuickActionView } from '../../utils/mute/quick-action';
import { QuickActionSchema, type QuickAction } from '../../utils/mute/quick-action';
import { PERMANENT_SECONDS, UNMUTE_SECONDS } from '../../utils/mute/durations';
import { BOTH_SCOPES, type Scopes } from '../../utils/mute/scopes';
import { type MuteState } from '../../utils/mute/state';
import { describeState } from '../../utils/mute/describe-state';
import { parseUserId } from '../../utils/mute/user-id';
import type { EffectiveSettings } from '../../utils/settings';
import { muteLimits } from '../../utils/policy/policy';
import type { ApplyOutcome, MuteService } from './mute-service';
import { VaultError } from '../../utils/vault/problems';
import { chooseApp } from '../../utils/vault/profile';
import { HandlerError } from './router';
import type { Sites } from './sites';
import type { UndoRecord } from './undo-store';
import type { KeyValueArea, VaultService } from './vault-service';
import { STORED } from '../../utils/storage/keys';
import type { HostAccess } from '../../utils/chat-api/host-access';

const KEY = STORED.quickAction.key;
const WINDOW_KEY = STORED.quickActionWindow.key;

export interface QuickActionsDeps {
  vault: VaultService;
  mute: MuteService;
  sites: Sites;
  /** The settings in force (the organisation's policy applied). */
  settings: () => Promise<EffectiveSettings>;
  session: KeyValueArea;
  /** The live undo records (what a notification's Undo can restore). */
  undoRecords: () => Promise<UndoRecord[]>;
  /** Opens (or focuses) the action window; returns its id. */
  openWindow: (existingId: number | null) => Promise<number | null>;
  /** Tells the operator; with an undo id, the notification offers Undo (a button, or a click). */
  notify: (title: string, message: string, undoId?: string | null) => Promise<void>;
  now: () => number;
}

/** What the action window showed when the operator confirmed. */
interface Choice {
  seconds: number | null;
  scopes: Scopes;
  reason: string;
}

export interface StartInput {
  kind: QuickAction['kind'];
  /**
   * What the operator selected (the menu's `selectionText`, or the page's selection read for
   * the shortcut); cleaned and validated here.
   */
  selection?: string;
  seconds: number | null;
  source: QuickAction['source'];
  pageUrl?: string;
}

/**
 * Actions that start outside the popup: the context menu and keyboard shortcut on a selection,
 * and unlock requests from page buttons. A menu action on a selection that is exactly one valid
 * ID, which the one decision lets act, runs at once and reports by notification. Everything
 * else waits in storage.session while a small window shows the target exactly as it will be
 * sent and asks (unlock, a duration, the decision's question), then continues with it. The
 * shortcut always asks: the page controls what is selected when the key goes down.
 */
export class QuickActions {
  constructor(private readonly deps: QuickActionsDeps) {}

  async start(input: StartInput): Promise<void> {
    const parsed = parseUserId(input.selection ?? '');
    if (!parsed.ok) {
      await this.deps.notify(
        t('notify_invalidTitle'),
        t('notify_invalidId', [
          (input.selection ?? '').trim().slice(0, 40),
          t(`userIdProblem_${keyPart(parsed.problem)}` as MessageKey),
        ]),
      );
      return;
    }
    const site = input.pageUrl ? await this.deps.sites.forUrl(input.pageUrl) : null;
    const action: QuickAction = {
      id: crypto.randomUUID(),
      kind: input.kind,
      userId: parsed.userId,
      profileId: site?.profileId ?? null,
      seconds: input.seconds,
      source: input.source,
      ...(input.pageUrl === undefined ? {} : { pageUrl: input.pageUrl }),
      createdAt: this.deps.now(),
    };
    // The menu item showed the selection; acting on something else (junk trimmed off, a second
    // ID hidden in it, spaces a menu title does not show) needs the window, which shows exactly
    // what would be sent.
    const exact =
      input.source === 'menu' && input.selection === parsed.userId && !/\s/.test(parsed.userId);
    try {
      if ((!exact && action.kind !== 'check') || (await this.needsWindow(action))) {
        await this.park(action);
        return;
      }
      const { message, outcome } = await this.execute(action, [], { seconds: action.seconds });
      await this.deps.notify(t('extName'), message, outcome?.undoId);
    } catch (error) {
      // Locked while it ran, or the state changed between the decision and the apply: the
      // window asks (for the passphrase, or the decision's question) and carries on.
      if (mustAsk(error)) await this.park(action);
      else throw error;
    }
  }

  /** A page button found the vault locked: ask for the passphrase in the action window. */
  async openUnlock(): Promise<void> {
    await this.park({
      id: crypto.randomUUID(),
      kind: 'unlock',
      userId: null,
      profileId: null,
      seconds: null,
      source: 'page',
      createdAt: this.deps.now(),
    });
  }

  /** A page found the app's API host out of reach: the action window asks for access. */
  async openAccess(profileId: string): Promise<void> {
    // Access given since the page asked (from another tab, say): no window to flash.
    if (!(await this.missingAccess(profileId))) return;
    await this.park({
      id: crypto.randomUUID(),
      kind: 'access',
      userId: null,
      profileId,
      seconds: null,
      source: 'page',
      createdAt: this.deps.now(),
    });
  }

  async view(): Promise<QuickActionView | null> {
    const action = await this.pending();
    if (!action) return null;
    const locked = (await this.deps.vault.state()) !== 'unlocked';
    const settings = await this.deps.settings();
    const profile = locked ? null : await this.profileFor(action).catch(() => null);
    // The state the window shows before acting; a check reads it itself when it runs.
    const state =
      profile && action.userId !== null && action.kind !== 'check'
        ? await this.stateOf(profile.id, action.userId).catch(() => null)
        : null;
    return {
      action,
      locked,
      app: profile && {
        profileId: profile.id,
        label: profile.label,
        environment: profile.environment,
        sdkAppId: profile.sdkAppId,
        adminAccount: profile.adminAccount,
      },
      state,
      // An unlock from a page is for the page's app, not the default one: it asks nothing else.
      access: profile && action.kind !== 'unlock' ? await this.missingAccess(profile.id) : null,
      presets: presetsWithin(settings.presets, settings.policy.rules),
      defaultScopes: settings.defaultScopes,
      reasons: settings.reasonPresets,
      confirmProduction: settings.confirmProduction,
      policy: muteLimits(settings.policy.rules),
    };
  }

  /**
   * Runs the parked action as the window showed it when the operator confirmed: its duration,
   * scopes and reason (a mute parked without a duration needs one).
   */
  async run(
    id: string,
    confirmed: readonly Question[],
    shown: Partial<Choice> = {},
  ): Promise<{ message: string; outcome: ApplyOutcome | null }> {
    const action = await this.pending();
    if (!action || action.id !== id) throw new HandlerError({ kind: 'not-found' });
    const seconds = shown.seconds ?? action.seconds ?? null;
    if (action.kind === 'mute' && seconds === null)
      throw new HandlerError({ kind: 'invalid-input', field: 'seconds' });
    const result = await this.execute(action, confirmed, { ...shown, seconds });
    await this.deps.session.remove(KEY);
    await this.deps.notify(t('extName'), result.message, result.outcome?.undoId);
    return result;
  }

  /** A notification's Undo button: restores what that action replaced, and says so. */
  async undoNow(undoId: string): Promise<void> {
    const record = (await this.deps.undoRecords()).find((r) => r.id === undoId);
    if (!record) {
      await this.deps.notify(t('extName'), t('notify_undoGone'));
      return;
    }
    const action = this.undoAction(record);
    try {
      const { message } = await this.execute(action, [], { seconds: null });
      await this.deps.notify(t('extName'), message);
    } catch (error) {
      // Locked since: the window asks for the passphrase, then offers the same Undo.
      if (mustAsk(error)) await this.park(action);
      else throw error;
    }
  }

  /**
   * A click on a notification that offered Undo (the only way where notifications have no
   * buttons): the action window shows what Undo would restore, and Enter runs it.
   */
  async openUndo(undoId: string): Promise<void> {
    const record = (await this.deps.undoRecords()).find((r) => r.id === undoId);
    if (!record) await this.deps.notify(t('extName'), t('notify_undoGone'));
    else await this.park(this.undoAction(record));
  }

  private undoAction(record: UndoRecord): QuickAction {
    return {
      id: crypto.randomUUID(),
      kind: 'undo',
      userId: record.userId,
      profileId: record.profileId,
      seconds: null,
      undoId: record.id,
      source: 'menu',
      createdAt: this.deps.now(),
    };
  }

  async cancel(id: string): Promise<void> {
    const action = await this.pending();
    // The window closes itself on cancel: the next action opens a new one rather than focus it.
    if (action?.id === id) await this.deps.session.remove([KEY, WINDOW_KEY]);
  }

  /** The host access the app lacks (the window asks for it first), or null. */
  private async missingAccess(profileId: string): Promise<HostAccess | null> {
    try {
      await this.deps.mute.requireHostAccess(profileId);
      return null;
    } catch (error) {
      if (error instanceof ChatApiError && error.data.access) return error.data.access;
      throw error;
    }
  }

  /**
   * Whether the operator must be asked first: locked, no duration yet, no host access (only an
   * extension page can ask the browser), or the decision asks.
   */
  private async needsWindow(action: QuickAction): Promise<boolean> {
    if ((await this.deps.vault.state()) !== 'unlocked') return true;
    if (action.kind === 'access') return true;
    if (action.kind === 'mute' && action.seconds === null) return true;
    // No app (none set up, or the site's gone): execute says so in a notification.
    const profile = await this.profileFor(action).catch(() => null);
    if (!profile) return false;
    if (await this.missingAccess(profile.id)) return true;
    if (action.kind === 'check' || action.kind === 'undo' || action.userId === null) return false;
    // The one state read the decision needs; the apply that follows reuses it.
    const state = await this.stateOf(profile.id, action.userId).catch(() => null);
    if (state === null) return true;
    const decision = decide({
      userId: action.userId,
      request: {
        action: action.kind === 'unmute' ? 'unmute' : 'mute',
        scopes: await this.scopesFor(action),
        seconds: action.kind === 'unmute' ? UNMUTE_SECONDS : (action.seconds ?? UNMUTE_SECONDS),
      },
      state,
      app: profile,
      rules: await this.deps.settings(),
      now: this.deps.now(),
    });
    return decision.kind !== 'act';
  }

  /** Scopes when nobody chose: a mute's are the options' default, an unmute lifts both. */
  private async scopesFor(action: QuickAction): Promise<Scopes> {
    return action.kind === 'unmute' ? BOTH_SCOPES : (await this.deps.settings()).defaultScopes;
  }

  private async stateOf(profileId: string, userId: string): Promise<MuteState> {
    return (await this.deps.mute.readState(profileId, userId)).state;
  }

  private async park(action: QuickAction): Promise<void> {
    await this.deps.session.set({ [KEY]: action });
    const stored = (await this.deps.session.get(WINDOW_KEY))[WINDOW_KEY];
    const windowId = await this.deps.openWindow(typeof stored === 'number' ? stored : null);
    if (windowId !== null) await this.deps.session.set({ [WINDOW_KEY]: windowId });
  }

  private async pending(): Promise<QuickAction | null> {
    const parsed = QuickActionSchema.safeParse((await this.deps.session.get(KEY))[KEY]);
    return parsed.success ? parsed.data : null;
  }

  private async profileFor(action: QuickAction) {
    const data = await this.deps.vault.data();
    const profile = chooseApp(data.profiles, data.defaultProfileId, action.profileId);
    if (!profile) throw new HandlerError({ kind: 'not-found' });
    return profile;
  }

  /** Does it and says what happened, in words for a notification. */
  private async execute(
    action: QuickAction,
    confirmed: readonly Question[],
    shown: Partial<Choice> & { seconds: number | null },
  ): Promise<{ message: string; outcome: ApplyOutcome | null }> {
    const { seconds } = shown;
    if (action.kind === 'access') return { message: t('notify_accessReady'), outcome: null };
    if (action.kind === 'unlock' || action.userId === null)
      return { message: t('notify_unlocked'), outcome: null };
    const userId = action.userId;
    try {
      if (action.kind === 'undo') {
        await this.deps.mute.undo(action.undoId ?? '', action.source);
        return { message: t('active_restored', userId), outcome: null };
      }
      const profile = await this.profileFor(action);
      if (action.kind === 'check') {
        const view = await this.deps.mute.readState(profile.id, userId);
        const state = view.exists
          ? describeState(view.state, this.deps.now())
          : t('state_userNotFound');
        return { message: t('notify_state', [userId, profile.label, state]), outcome: null };
      }
      const applied = action.kind === 'unmute' ? UNMUTE_SECONDS : (seconds ?? UNMUTE_SECONDS);
      const outcome = await this.deps.mute.apply({
        profileId: profile.id,
        userId,
        scopes: shown.scopes ?? (await this.scopesFor(action)),
        seconds: applied,
        reason: shown.reason ?? '',
        source: action.source,
        ...(action.pageUrl === undefined ? {} : { pageUrl: action.pageUrl }),
        undoable: true,
        confirmed,
      });
      const message =
        applied === UNMUTE_SECONDS
          ? t('notify_unmuted', [userId, profile.label])
          : applied === PERMANENT_SECONDS
            ? t('notify_mutedPermanently', [userId, profile.label])
            : t('notify_muted', [userId, profile.label, durationText(applied)]);
      return { message, outcome };
    } catch (error) {
      // Not a failure to report: the caller asks (the window) or parks the action for it.
      if (mustAsk(error)) throw error;
      const appError =
        error instanceof ChatApiError
          ? ({ kind: 'chat-api', error: error.data } as const)
          : error instanceof HandlerError
            ? error.appError
            : null;
      if (!appError) throw error;
      const { message, advice } = describeError(appError);
      return { message: t('notify_failed', [userId, `${message} ${advice}`]), outcome: null };
    }
  }
}

/**
 * A failure the operator answers in the action window: a locked vault, missing host access, or
 * the decision's question.
 */
function mustAsk(error: unknown): boolean {
  return (
    (error instanceof VaultError && error.problem === 'locked') ||
    (error instanceof ChatApiError && error.data.category === 'no-host-access') ||
    (error instanceof HandlerError && error.appError.kind === 'needs-confirmation')
  );
}
