import { render } from 'preact';
import {
  browser,
  createShadowRootUi,
  type ContentScriptContext,
  type ShadowRootContentScriptUi,
} from '#imports';
import { messagesReady, t } from '../../utils/i18n';
import { RequestFailed } from '../../utils/messages/app-error';
import { sendRequest } from '../../utils/messages/client';
import type { PageConfig, StateView } from '../../utils/messages/protocol';
import * as z from 'zod/mini';
import { SiteSchema, mergeSites, siteMatches } from '../../utils/sites/site';
import { detectAppIds } from './app-ids';
import { createIdFinder } from '../../utils/sites/find-ids';
import { PageButtons, type Entry } from './page-buttons';
import { Popover, type PopoverActions } from './Popover';
import { placePopover } from './popover-place';
import { SHADOW_CSS } from './shadow-css';
import { StateCache } from './states';
import { STORED } from '../../utils/storage/keys';

const ROUTE_POLL_MS = 500;
/** How long the note saying why the popover closed itself stays (unless dismissed). */
const NOTICE_MS = 12_000;

/** Resolves once the document is parsed (the script may start before `<body>` exists). */
function domReady(): Promise<void> {
  return document.readyState === 'loading'
    ? new Promise((resolve) =>
        document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }),
      )
    : Promise.resolve();
}

/** The enabled site for a URL from the stored list, validated like every storage read. */
async function storedSiteFor(url: string): Promise<PageConfig['site']> {
  try {
    const key = STORED.sites.key;
    const stored = (await browser.storage.local.get(key))[key] ?? [];
    const parsed = z.array(SiteSchema).safeParse(stored);
    const site = mergeSites(parsed.success ? parsed.data : []).find(
      (s) => s.enabled && siteMatches(s, url),
    );
    return site ? { finder: site.finder, hoverOnly: site.hoverOnly } : null;
  } catch {
    return null;
  }
}
const UNLOCK_POLL_MS = 1000;
const UNLOCK_WAIT_MS = 5 * 60_000;

/**
 * One admin page: asks the background whether this page is an enabled site and which app it
 * acts on, then runs the buttons and the popover; follows in-app navigation and site changes.
 * It never sees a secret: it sends "mute this ID on this app" and gets results back.
 */
export class AdminPage {
  private config: PageConfig | null = null;
  private buttons: PageButtons | null = null;
  private states: StateCache | null = null;
  private popover: ShadowRootContentScriptUi<void> | null = null;
  private notice: ShadowRootContentScriptUi<void> | null = null;
  /** The page entry the open popover was opened from. */
  private popoverEntry: Entry | null = null;
  private href = location.href;
  private configKey = '';
  private detachOutside: (() => void) | null = null;
  /** Counts popover opens: an open overtaken by a newer one stops where it is. */
  private opens = 0;

  constructor(private readonly ctx: ContentScriptContext) {}

  async start(): Promise<void> {
    // While the page still parses: the stored site list, and the catalogue (buttons are named
    // from it, never before it is readable here). Then, as soon as the DOM is there, buttons.
    const stored = storedSiteFor(location.href);
    await Promise.all([messagesReady(), domReady()]);
    await this.refresh(stored);
    this.ctx.setInterval(() => {
      if (location.href !== this.href) {
        this.href = location.href;
        void this.refresh();
      }
    }, ROUTE_POLL_MS);
    const onStorage = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && (STORED.sites.key in changes || STORED.settings.key in changes))
        void this.refresh();
    };
    browser.storage.onChanged.addListener(onStorage);
    this.ctx.onInvalidated(() => {
      browser.storage.onChanged.removeListener(onStorage);
      this.stop();
    });
  }

  /**
   * Re-reads the configuration; restarts the buttons only when where they go changed. The
   * stored site list (readable here, and never secret) starts the buttons at once; the
   * background's answer, which also names the app, confirms or corrects it a moment later.
   */
  private async refresh(stored = storedSiteFor(location.href)): Promise<void> {
    const configured = sendRequest({
      type: 'page.config',
      pageAppIds: detectAppIds(document, location.href),
    }).catch(() => null);
    this.apply(await stored);
    const config = await configured;
    const appChanged = config?.app?.profileId !== this.config?.app?.profileId;
    this.config = config;
    this.apply(config?.site ?? null);
    if (appChanged) this.states?.clear();
    this.lookUpShown();
  }

  /**
   * Looks up the states of every ID with a button, once the page knows its app and the vault
   * is open: buttons placed before the configuration arrived asked too early, and were refused.
   */
  private lookUpShown(): void {
    if (this.config?.app && !this.config.locked && this.buttons)
      this.states?.want(this.buttons.shownIds());
  }

  private apply(site: PageConfig['site']): void {
    const key = JSON.stringify(site);
    if (key === this.configKey) return;
    this.configKey = key;
    this.stop();
    if (site) this.run(site);
  }

  private run(site: NonNullable<PageConfig['site']>): void {
    const states = new StateCache(
      async (userIds) => {
        const profileId = this.config?.app?.profileId;
        if (!profileId) throw new Error('no app');
        return sendRequest({ type: 'page.states', profileId, userIds });
      },
      (userIds) => this.buttons?.refreshStates(userIds),
      (userId) => this.buttons?.isShown(userId) ?? false,
    );
    this.states = states;
    this.buttons = new PageButtons({
      finder: createIdFinder(site.finder),
      hoverOnly: site.hoverOnly,
      stateOf: (userId) => states.stateOf(userId),
      wantStates: (userIds) => {
        if (this.config?.app && !this.config.locked) states.want(userIds);
      },
      onOpen: (entry, button) => void this.open(entry, button),
      onChange: (entry, userId) => {
        // The row under the popover now shows someone else: the popover was about another user.
        if (entry === this.popoverEntry && userId !== null) this.closePopover();
      },
    });
    this.buttons.start();
  }

  private stop(): void {
    this.closePopover();
    this.closeNotice();
    this.buttons?.stop();
    this.buttons = null;
    this.states = null;
  }

  private async open(entry: Entry, button: HTMLButtonElement): Promise<void> {
    this.closePopover();
    this.closeNotice();
    // Only the latest open goes on: a second click while this one waits must not leave two.
    const ticket = ++this.opens;
    // Drawn at once from what the page knows; the vault may have locked or unlocked since, or
    // the app changed: the background's fresh answer follows a moment later, and the popover
    // takes it (and arms again) before anything can act.
    const fresh = sendRequest({
      type: 'page.config',
      pageAppIds: detectAppIds(document, location.href),
    }).then(
      (next) => (this.config = next),
      () => null,
    );
    const config = this.config ?? (await fresh);
    if (!config || ticket !== this.opens) return;
    const userId = entry.userId;
    const close = (why?: 'covered' | 'gone') => {
      if (this.popoverEntry !== entry) return;
      this.closePopover();
      // Back where it came from, without scrolling the page to a button that scrolled away.
      button.focus({ preventScroll: true });
      if (why === 'covered') void this.showNotice(button, t('page_coveredClosed', userId));
    };
    const anchor = () => {
      const rect = button.isConnected ? button.getBoundingClientRect() : null;
      return rect && (rect.width > 0 || rect.height > 0) ? rect : null;
    };
    const actions: PopoverActions = {
      readState: (userId) => this.withProfile((profileId) => this.lookupOne(profileId, userId)),
      knownState: (userId) => this.states?.fresh(userId) ?? null,
      apply: (userId, scopes, seconds, reason, confirmed) => {
        // Re-read at the moment of action: the row it came from must not show another ID now
        // (a row re-created by the page is gone, and the popover names the user it acts on).
        const buttons = this.buttons;
        if (entry.element.isConnected && !(buttons?.stillShows(entry) && entry.userId === userId))
          return Promise.reject(new RequestFailed({ kind: 'invalid-input', field: 'pageChanged' }));
        return this.withProfile((profileId) =>
          sendRequest({
            type: 'page.apply',
            profileId,
            userId,
            scopes,
            seconds,
            reason,
            confirmed: [...confirmed],
          }),
        );
      },
      undo: (undoId) => sendRequest({ type: 'page.undo', undoId }),
      unlock: () => this.unlock(),
      requestAccess: async () => {
        await this.withProfile((profileId) =>
          sendRequest({ type: 'page.requestAccess', profileId }),
        );
      },
      onStateKnown: (userId, view) => this.states?.set(userId, view),
      close,
    };
    const ui = await createShadowRootUi(this.ctx, {
      name: 'mute-console-popover',
      mode: 'closed',
      position: 'inline',
      anchor: 'html',
      css: SHADOW_CSS,
      onMount: (container) => {
        // Fixed to the viewport next to its button (it places itself: popover-place.ts).
        render(
          <Popover
            userId={userId}
            config={config}
            fresh={fresh}
            actions={actions}
            anchor={anchor}
          />,
          container,
        );
        // Keys pressed as soon as it shows (1–6, Enter, Esc) go to the popover, not to the
        // page button still holding focus: focus moves in the same task it renders.
        container.querySelector<HTMLElement>('button[type="submit"], button.primary')?.focus();
      },
      onRemove: () => render(null, ui.uiContainer),
    });
    if (ticket !== this.opens) return;
    // Known as the open popover before it mounts: it may close itself while it does.
    this.popover = ui;
    this.popoverEntry = entry;
    ui.mount();
    const host = ui.shadowHost;
    // A press anywhere else closes it, like any popover; so does Esc wherever focus is (it may
    // still be on the page button when the popover appears).
    const outside = (event: PointerEvent) => {
      if (!event.composedPath().includes(host)) close();
    };
    const escape = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && event.isTrusted && !event.composedPath().includes(host)) {
        // This Esc was for the popover: the page button it returns to does not act on it too.
        event.stopPropagation();
        close();
      }
    };
    document.addEventListener('pointerdown', outside, true);
    document.addEventListener('keydown', escape, true);
    this.detachOutside = () => {
      document.removeEventListener('pointerdown', outside, true);
      document.removeEventListener('keydown', escape, true);
    };
  }

  /**
   * A short note next to the button, in the page's top layer of our own: why the popover
   * closed itself. Esc, a press elsewhere or its ✕ dismiss it; it goes by itself after a while.
   */
  private async showNotice(button: HTMLElement, text: string): Promise<void> {
    this.closeNotice();
    const rect = button.getBoundingClientRect();
    const ui = await createShadowRootUi(this.ctx, {
      name: 'mute-console-notice',
      mode: 'closed',
      position: 'inline',
      anchor: 'html',
      css: SHADOW_CSS,
      onMount: (container) => {
        const place = placePopover(
          rect,
          { width: 340, height: 120 },
          { width: window.innerWidth, height: window.innerHeight },
        );
        render(
          <div
            class="popover page-notice"
            role="alert"
            style={{ left: `${place.left}px`, top: `${place.top}px` }}
          >
            <div class="popover-title">
              <p class="notice warning">{text}</p>
              <button
                type="button"
                class="secondary small"
                aria-label={t('ui_close')}
                onClick={() => this.closeNotice()}
              >
                ✕
              </button>
            </div>
          </div>,
          container,
        );
      },
      onRemove: () => render(null, ui.uiContainer),
    });
    ui.mount();
    this.notice = ui;
    const host = ui.shadowHost;
    const dismiss = (event: Event) => {
      if (event instanceof KeyboardEvent && event.key !== 'Escape') return;
      if (event.composedPath().includes(host) && event.type === 'pointerdown') return;
      this.closeNotice();
    };
    const timer = setTimeout(() => this.closeNotice(), NOTICE_MS);
    document.addEventListener('pointerdown', dismiss, true);
    document.addEventListener('keydown', dismiss, true);
    this.detachNotice = () => {
      clearTimeout(timer);
      document.removeEventListener('pointerdown', dismiss, true);
      document.removeEventListener('keydown', dismiss, true);
    };
  }

  private detachNotice: (() => void) | null = null;

  private closeNotice(): void {
    this.detachNotice?.();
    this.detachNotice = null;
    this.notice?.remove();
    this.notice = null;
  }

  private closePopover(): void {
    this.opens++;
    this.detachOutside?.();
    this.detachOutside = null;
    this.popover?.remove();
    this.popover = null;
    this.popoverEntry = null;
  }

  private async lookupOne(profileId: string, userId: string): Promise<StateView> {
    const [result] = await sendRequest({ type: 'page.states', profileId, userIds: [userId] });
    if (!result?.view) throw new RequestFailed({ kind: 'internal' });
    return result.view;
  }

  private async withProfile<T>(action: (profileId: string) => Promise<T>): Promise<T> {
    const profileId = this.config?.app?.profileId;
    if (!profileId) throw new RequestFailed({ kind: 'not-found' });
    try {
      return await action(profileId);
    } catch (error) {
      if (
        error instanceof RequestFailed &&
        error.error.kind === 'vault' &&
        error.error.problem === 'locked' &&
        this.config
      ) {
        this.config = { ...this.config, locked: true };
      }
      throw error;
    }
  }

  /** Opens the unlock window, then waits (polling) until the vault is unlocked. */
  private async unlock(): Promise<PageConfig> {
    await sendRequest({ type: 'page.requestUnlock' });
    const deadline = Date.now() + UNLOCK_WAIT_MS;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, UNLOCK_POLL_MS));
      const config = await sendRequest({
        type: 'page.config',
        pageAppIds: detectAppIds(document, location.href),
      });
      if (!config.locked) {
        this.config = config;
        this.states?.clear();
        this.lookUpShown();
        return config;
      }
    }
    throw new RequestFailed({ kind: 'vault', problem: 'locked' });
  }
}
