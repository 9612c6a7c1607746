import { ChatApiError } from '../../utils/chat-api/errors';
import { keyPart, t, uiLocale, type MessageKey } from '../../utils/i18n';
import { describeError } from '../../utils/messages/describe-error';
import type { QuickActionView } from '../../utils/mute/quick-action';
import { QuickActionSchema, type QuickAction } from '../../utils/mute/quick-action';
import { PERMANENT_SECONDS, UNMUTE_SECONDS, formatDuration } from '../../utils/mute/durations';
import { BOTH_SCOPES } from '../../utils/mute/scopes';
import { describeState } from '../../utils/mute/state';
import { parseUserId } from '../../utils/mute/user-id';
import type { Settings } from '../../utils/settings';
import type { ValidatedItem } from '../../utils/storage/validated-item';
import type { ApplyOutcome, MuteService } from './mute-service';
import { HandlerError } from './router';
import type { Sites } from './sites';
import type { KeyValueArea, VaultService } from './vault-service';

const KEY = 'quickAction';
const WINDOW_KEY = 'quickActionWindow';

export interface QuickActionsDeps {
  vault: VaultService;
  mute: MuteService;
  sites: Sites;
  settings: ValidatedItem<Settings>;
  session: KeyValueArea;
  /** Opens (or focuses) the action window; returns its id. */
  openWindow: (existingId: number | null) => Promise<number | null>;
  notify: (title: string, message: string) => Promise<void>;
  now: () => number;
}

export interface StartInput {
  kind: QuickAction['kind'];
  /** What the operator selected; cleaned and validated here. */
  selection?: string;
  seconds: number | null;
  source: QuickAction['source'];
  pageUrl?: string;
}

/**
 * Actions that start outside the popup: the context menu and keyboard shortcut on a selection,
 * and unlock requests from page buttons. Simple ones run at once and report by notification;
 * one that needs the vault unlocked, a custom duration or a confirmation waits in
 * storage.session while a small window asks, and then continues with the same target.
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
    if (await this.needsWindow(action)) {
      await this.park(action);
      return;
    }
    const { message } = await this.execute(action, action.seconds);
    await this.deps.notify(t('extName'), message);
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

  async view(): Promise<QuickActionView | null> {
    const action = await this.pending();
    if (!action) return null;
    const locked = (await this.deps.vault.state()) !== 'unlocked';
    const settings = await this.deps.settings.get();
    const profile = locked ? null : await this.profileFor(action).catch(() => null);
    return {
      action,
      locked,
      app: profile && {
        profileId: profile.id,
        label: profile.label,
        environment: profile.environment,
        sdkAppId: profile.sdkAppId,
      },
      presets: settings.presets,
      confirmProduction: settings.confirmProduction,
    };
  }

  /** Runs the parked action, with the duration chosen in the window if it left one open. */
  async run(
    id: string,
    seconds?: number,
  ): Promise<{ message: string; outcome: ApplyOutcome | null }> {
    const action = await this.pending();
    if (!action || action.id !== id) throw new HandlerError({ kind: 'not-found' });
    const chosen = action.seconds ?? seconds ?? null;
    if (action.kind === 'mute' && chosen === null)
      throw new HandlerError({ kind: 'invalid-input', field: 'seconds' });
    const result = await this.execute(action, chosen);
    await this.deps.session.remove(KEY);
    await this.deps.notify(t('extName'), result.message);
    return result;
  }

  async cancel(id: string): Promise<void> {
    const action = await this.pending();
    if (action?.id === id) await this.deps.session.remove(KEY);
  }

  private async needsWindow(action: QuickAction): Promise<boolean> {
    if ((await this.deps.vault.state()) !== 'unlocked') return true;
    if (action.kind === 'mute' && action.seconds === null) return true;
    if (action.kind !== 'mute') return false;
    if (action.seconds === PERMANENT_SECONDS) return true;
    const profile = await this.profileFor(action);
    return (
      profile.environment === 'production' && (await this.deps.settings.get()).confirmProduction
    );
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
    const profile =
      data.profiles.find((p) => p.id === action.profileId) ??
      data.profiles.find((p) => p.id === data.defaultProfileId) ??
      data.profiles[0];
    if (!profile) throw new HandlerError({ kind: 'not-found' });
    return profile;
  }

  /** Does it and says what happened, in words for a notification. */
  private async execute(
    action: QuickAction,
    seconds: number | null,
  ): Promise<{ message: string; outcome: ApplyOutcome | null }> {
    if (action.kind === 'unlock' || action.userId === null)
      return { message: t('notify_unlocked'), outcome: null };
    const userId = action.userId;
    try {
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
        scopes: BOTH_SCOPES,
        seconds: applied,
        reason: '',
        source: action.source,
        ...(action.pageUrl === undefined ? {} : { pageUrl: action.pageUrl }),
        undoable: true,
      });
      const message =
        applied === UNMUTE_SECONDS
          ? t('notify_unmuted', [userId, profile.label])
          : applied === PERMANENT_SECONDS
            ? t('notify_mutedPermanently', [userId, profile.label])
            : t('notify_muted', [userId, profile.label, formatDuration(applied, uiLocale())]);
      return { message, outcome };
    } catch (error) {
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
