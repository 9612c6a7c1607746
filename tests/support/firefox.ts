import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startConnectProxy, type ConnectProxy } from './connect-proxy';
import { emulatedHosts } from './emulator/server';

/**
 * Runs the production Firefox build (`npm run build:firefox` → .output/firefox-mv3) in Debian's
 * firefox-esr, driven by puppeteer-core over WebDriver BiDi (Playwright's own Firefox is a
 * patched build that cannot be downloaded here, and it does not load add-ons). What this
 * machine's Firefox 153 ESR does, found by trying, and what this file does about it:
 *
 * - The add-on is installed as a temporary add-on (`browser.installExtension(dir)`, BiDi
 *   `webExtension.install`): unsigned, gone when the browser closes. Each launch has a fresh
 *   profile, so the product's first-run path (`runtime.onInstalled`, reason "install") runs.
 * - Its moz-extension UUID is random per profile; the pref `extensions.webextensions.uuids`
 *   pins it before install, so `extensionOrigin` is known up front.
 * - The driver may not navigate a tab to a moz-extension:// URL ("Navigation to … is not
 *   allowed in this context"), and BiDi skips extension documents when it tracks navigations
 *   (remote/shared/BrowsingContextUtils isBrowsingContextCompatible, bug 1755014). So:
 *   - `Page.url()` of a tab showing an extension page is stale (often "about:blank"):
 *     ask the page itself (`location.href`), as `hrefOf` does;
 *   - `page.goto()` to an extension URL throws; `openPage` has an extension page call
 *     `browser.tabs.create({ url })` instead, then finds the new tab among `browser.pages()`;
 *   - `page.on('console')` (BiDi `log.entryAdded`) never fires for extension pages.
 *   Script evaluation, locators (`::-p-aria(…)`, CSS) and input work in extension tabs.
 * - `runtime.openOptionsPage()` on install (options_ui.open_in_tab) does not open a new tab:
 *   Firefox reuses the blank start tab. `waitForPage('options.html')` finds it.
 * - The background is an event page (MV3 `background.scripts`). No driver reaches it: BiDi lists
 *   no context for it, even with `--remote-allow-system-access`. An extension page reaches its
 *   window through `browser.runtime.getBackgroundPage()`, which also wakes a suspended event
 *   page (Firefox suspends it after `extensions.background.idle.timeout` ms idle, 30 s by
 *   default). The extension CSP forbids eval in both, so `backgroundEval` pastes the source into
 *   the expression the driver evaluates in an extension page (the driver's own evaluation is not
 *   subject to the page's CSP) and runs it inside `with (backgroundWindow)`.
 * - Console output: with `devtools.console.stdout.content`, every console call in a non-chrome
 *   document (extension pages, the background page, web pages, content scripts) is written to
 *   the browser's stdout as one line, `console.error: "text" ({obj:1})`, strings quoted and
 *   escaped, without saying which document wrote it. Uncaught errors and unhandled rejections
 *   go to stderr as `JavaScript error: <url>, line <n>: <message>` with the script's URL. The
 *   harness reads both streams of the Firefox process (puppeteer pipes them).
 * - Firefox has no `--host-resolver-rules`: every request goes through a local CONNECT proxy
 *   (tests/support/connect-proxy.ts) that maps the Chat API hosts to the emulator and refuses
 *   the rest. Loopback (127.0.0.1, localhost) is never proxied by Firefox unless
 *   `network.proxy.allow_hijacking_localhost` is true, so fixture pages on
 *   http://127.0.0.1:port load directly.
 * - The self-signed emulator and fixture certificates are accepted for every request, the
 *   extension's fetches included, through the BiDi session's `acceptInsecureCerts`.
 * - With `systemAccess` (Firefox's `--remote-allow-system-access`), BiDi also lists the chrome
 *   (parent-process) windows (`browsingContext.getTree` with `"moz:scope": "chrome"`) and
 *   evaluates script in them (`chromeEval`), with Firefox's own modules at hand
 *   (`ChromeUtils.importESModule`). `stopBackground` uses that to stop the event page with
 *   Firefox's own `extension.terminateBackground()`, the call its idle timer makes.
 */

/** Where `npm run build:firefox` puts the build. */
export const FIREFOX_BUILD = path.resolve('.output/firefox-mv3');
/** browser_specific_settings.gecko.id in wxt.config.ts. */
export const FIREFOX_ADDON_ID = 'mute-console@mute-console.dev';

/** $FIREFOX_PATH, else Debian's firefox-esr or a firefox on the usual path. */
export function findFirefox(): string | null {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}

export type PrefValue = string | number | boolean;

export interface FirefoxLaunchOptions {
  extensionDir?: string;
  /** Send every Chat API host name (emulatedHosts()) to this loopback port (the HTTPS emulator). */
  emulatorPort?: number;
  /** Extra host → loopback port mappings, e.g. console.cloud.tencent.com → fixture HTTPS port. */
  extraHostPorts?: Record<string, number>;
  /**
   * Start without the manifest's host permissions granted, as Firefox did for MV3 add-ons
   * before version 127 and as a user leaves it after revoking them in about:addons.
   */
  withholdHostAccess?: boolean;
  /** Suspend the idle event page after this many ms (Firefox's default: 30,000). */
  backgroundIdleTimeoutMs?: number;
  /**
   * Start Firefox with `--remote-allow-system-access`, so that `chromeEval` and `stopBackground`
   * work: BiDi may then run script in the browser's own (parent-process, privileged) windows.
   */
  systemAccess?: boolean;
  headless?: boolean;
  /** More prefs, applied last. */
  prefs?: Record<string, PrefValue>;
}

export interface ConsoleEntry {
  /** "console" for a console.* call, "uncaught" for an uncaught error or unhandled rejection. */
  kind: 'console' | 'uncaught';
  /** The console method ("error", "warn", "log"…); "error" for uncaught errors. */
  level: string;
  text: string;
  /** The script's URL: uncaught errors only (console lines do not say where they came from). */
  url?: string;
  line?: number;
}

export interface StoppedBackground {
  /** terminateBackground() calls it took (each postponed one is followed by another). */
  attempts: number;
  /** The background's state right after: "stopped", or "starting" if an event already woke it. */
  state: string;
}

export interface LaunchedFirefox {
  browser: Browser;
  proxy: ConnectProxy;
  /** moz-extension://<uuid>, no trailing slash. */
  extensionOrigin: string;
  /** The page a tab shows, from the page itself (Page.url() is stale for extension pages). */
  hrefOf(page: Page): Promise<string | null>;
  /** Tabs showing one of the extension's pages. */
  extensionPages(): Promise<Page[]>;
  /** Waits for a tab showing the extension's `file` (e.g. the options page it opens on install). */
  waitForPage(file: string, options?: { timeout?: number; exclude?: Set<Page> }): Promise<Page>;
  /** Opens `file` (e.g. "popup.html") in a new tab, from an open extension page. */
  openPage(file: string): Promise<Page>;
  /** Evaluates a source string (an expression; may be a promise) in an extension page. */
  extensionEval<T = unknown>(source: string): Promise<T>;
  /**
   * Evaluates a source string (an expression; may be a promise) against the background page:
   * its globals (`browser`, `muteConsoleHandlers`, `globalThis`, `fetch`…) come first. The code
   * itself runs in an open extension page's realm: functions and objects it creates die with
   * that page, so do not leave them behind in the background.
   */
  backgroundEval<T = unknown>(source: string): Promise<T>;
  /**
   * Evaluates a source string (an expression; may be a promise) in the browser's first chrome
   * window, with system privileges (`ChromeUtils`, `Services`…); its value comes back through
   * JSON. Needs `systemAccess`.
   */
  chromeEval<T = unknown>(source: string): Promise<T>;
  /**
   * Stops the background event page the way Firefox does when it has been idle for
   * `extensions.background.idle.timeout`: the parent's `extension.terminateBackground()` (the
   * call the idle timer makes; about:debugging's "Terminate background script" makes it too)
   * fires runtime.onSuspend and then destroys the page, and with it every script, timer and
   * fetch in it. Its globals are gone: the next event (a message, an alarm,
   * `runtime.getBackgroundPage()`…) loads a new page, which runs the background's start-up
   * again. Firefox postpones a termination while a listener's promise is pending, as it does
   * on idle; this tries again until the page that ran is gone. Needs `systemAccess`.
   * (Firefox's toolkit/components/extensions/parent/ext-backgroundPage.js, in omni.ja as
   * chrome/toolkit/content/extensions/parent/ext-backgroundPage.js: `terminateBackground`,
   * `IdleManager.timeout`.)
   */
  stopBackground(): Promise<StoppedBackground>;
  /** Console errors and uncaught errors from extension pages, the background and web pages. */
  readonly consoleErrors: ConsoleEntry[];
  /** Every console line and uncaught error seen, any level. */
  readonly consoleMessages: ConsoleEntry[];
  /** Resolves once console output written so far by extension pages has been read. */
  flushConsole(): Promise<void>;
  /** ms: Firefox start to BiDi session, the add-on install, and close() (once closed). */
  timings: { launchMs: number; installMs: number; closeMs?: number };
  close(): Promise<void>;
}

/**
 * The prefs this harness sets, beside puppeteer's own (@puppeteer/browsers firefox.js:
 * no updates, no telemetry, about:blank start page, Remote Settings pointed at a dead host…).
 */
export function firefoxPrefs(options: {
  uuid: string;
  proxyPort: number;
  withholdHostAccess?: boolean;
  backgroundIdleTimeoutMs?: number;
}): Record<string, PrefValue> {
  return {
    // The add-on's moz-extension:// UUID, so its origin is known before it is installed.
    'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: options.uuid }),
    // Firefox 127+ grants an MV3 add-on's host_permissions at install; false leaves them to be
    // granted by the user (permissions.request or about:addons), so the add-on starts without.
    'extensions.originControls.grantByDefault': !options.withholdHostAccess,
    // permissions.request() shows no doorhanger (none can be clicked headless): it is granted.
    'extensions.webextOptionalPermissionPrompts': false,
    ...(options.backgroundIdleTimeoutMs === undefined
      ? {}
      : { 'extensions.background.idle.timeout': options.backgroundIdleTimeoutMs }),

    // Console calls of web and extension documents to stdout; Firefox's own (chrome) console
    // noise off.
    'devtools.console.stdout.content': true,
    'devtools.console.stdout.chrome': false,

    // Every request through the local proxy (manual proxy config), loopback excepted.
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': options.proxyPort,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': options.proxyPort,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': false,
    'network.proxy.failover_direct': false,
    // No name lookups or connections of Firefox's own beyond what the proxy refuses anyway.
    'network.trr.mode': 5,
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'dom.push.connection.enabled': false,
    'app.normandy.enabled': false,
    'messaging-system.rsexperimentloader.enabled': false,
    'browser.region.update.enabled': false,
    'browser.region.network.url': '',
    'extensions.systemAddon.update.enabled': false,
    'toolkit.telemetry.enabled': false,
    'browser.ping-centre.telemetry': false,
  };
}

/** The part of puppeteer's BiDi connection `chromeEval` uses. */
interface BidiConnection {
  send(method: string, params: object): Promise<unknown>;
}

const CONSOLE_LINE = /^console\.(\w+): (.*)$/;
const UNCAUGHT_LINE = /^JavaScript error: (.+?), line (\d+): (.*)$/;
const ERROR_LEVELS = new Set(['error', 'assert', 'exception']);
/**
 * Firefox's own console lines that reach stdout despite `devtools.console.stdout.chrome`: the
 * Remote Settings loader complains when the proxy refuses its server. Not the extension's.
 */
const FIREFOX_OWN = /^"?RSLoader:/;

/** Launches firefox-esr with a fresh profile and installs the build as a temporary add-on. */
export async function launchFirefox(options: FirefoxLaunchOptions = {}): Promise<LaunchedFirefox> {
  const executablePath = findFirefox();
  if (!executablePath)
    throw new Error(
      'No Firefox found: install it (apt-get install -y firefox-esr) or set FIREFOX_PATH.',
    );
  const extensionDir = options.extensionDir ?? FIREFOX_BUILD;
  if (!existsSync(path.join(extensionDir, 'manifest.json')))
    throw new Error(`No build in ${extensionDir}: run npm run build:firefox first.`);

  const hosts: Record<string, number> = {};
  if (options.emulatorPort !== undefined)
    for (const host of emulatedHosts()) hosts[host] = options.emulatorPort;
  Object.assign(hosts, options.extraHostPorts);
  const proxy = await startConnectProxy({ hosts });

  const uuid = randomUUID();
  const extensionOrigin = `moz-extension://${uuid}`;
  const started = Date.now();
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath,
      headless: options.headless ?? true,
      // Applies to every request of the session, the extension's own fetches included.
      acceptInsecureCerts: true,
      // puppeteer sizes only the tabs it opens itself; the window size applies to every tab,
      // the ones the extension opens included (page.setViewport works in those too).
      defaultViewport: null,
      args: [
        '--width=1280',
        '--height=800',
        ...(options.systemAccess ? ['--remote-allow-system-access'] : []),
      ],
      extraPrefsFirefox: {
        ...firefoxPrefs({
          uuid,
          proxyPort: proxy.port,
          withholdHostAccess: options.withholdHostAccess,
          backgroundIdleTimeoutMs: options.backgroundIdleTimeoutMs,
        }),
        ...options.prefs,
      },
    });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  const launchMs = Date.now() - started;

  // Console output: read both streams of the Firefox process, line by line.
  const consoleMessages: ConsoleEntry[] = [];
  const consoleErrors: ConsoleEntry[] = [];
  const markers = new Map<string, () => void>();
  const record = (entry: ConsoleEntry) => {
    consoleMessages.push(entry);
    if (ERROR_LEVELS.has(entry.level) && !FIREFOX_OWN.test(entry.text)) consoleErrors.push(entry);
  };
  const streamsClosed: Array<Promise<void>> = [];
  const read = (stream: Readable | null | undefined, onLine: (line: string) => void) => {
    if (!stream) return;
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', onLine);
    streamsClosed.push(new Promise((resolve) => lines.once('close', () => resolve())));
  };
  const child = browser.process();
  read(child?.stdout, (line) => {
    const match = CONSOLE_LINE.exec(line);
    if (!match) return;
    const [, level, text] = match as unknown as [string, string, string];
    const marker = markers.get(text);
    if (marker) return marker();
    record({ kind: 'console', level, text });
  });
  read(child?.stderr, (line) => {
    const match = UNCAUGHT_LINE.exec(line);
    if (!match) return;
    const [, url, lineNumber, text] = match as unknown as [string, string, string, string];
    // Firefox's own scripts (resource://, chrome://) fail now and then at shutdown: not ours.
    if (!/^(moz-extension|https?|file):/.test(url)) return;
    record({ kind: 'uncaught', level: 'error', url, line: Number(lineNumber), text });
  });

  const hrefOf = async (page: Page): Promise<string | null> => {
    if (page.isClosed()) return null;
    // A tab in the middle of loading may not answer for a while: give up after a second.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 1000)));
    try {
      return await Promise.race([page.evaluate(() => location.href).catch(() => null), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const extensionPages = async (): Promise<Page[]> => {
    const found: Page[] = [];
    for (const page of await browser.pages())
      if ((await hrefOf(page))?.startsWith(`${extensionOrigin}/`)) found.push(page);
    return found;
  };
  const waitForPage: LaunchedFirefox['waitForPage'] = async (file, waitOptions = {}) => {
    const url = `${extensionOrigin}/${file}`;
    const deadline = Date.now() + (waitOptions.timeout ?? 15_000);
    for (;;) {
      for (const page of await browser.pages()) {
        if (waitOptions.exclude?.has(page)) continue;
        const href = await hrefOf(page);
        if (href === url || href?.startsWith(`${url}#`) || href?.startsWith(`${url}?`)) {
          await page.waitForFunction(() => document.readyState === 'complete');
          return page;
        }
      }
      if (Date.now() > deadline) throw new Error(`No tab shows ${file}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const driverPage = async (): Promise<Page> => {
    const [page] = await extensionPages();
    if (!page)
      throw new Error(
        'No extension page is open to act from: keep one (e.g. the options tab opened on install).',
      );
    return page;
  };
  const extensionEval = async <T>(source: string): Promise<T> =>
    (await driverPage()).evaluate(source) as Promise<T>;

  const chromeEval = async <T>(source: string): Promise<T> => {
    if (!options.systemAccess)
      throw new Error('chromeEval and stopBackground need launchFirefox({ systemAccess: true })');
    // Raw BiDi: puppeteer has no API for chrome contexts. `connection` is puppeteer's BiDi
    // connection (bidi/Browser.js), not in its public types.
    const { connection } = browser as unknown as { connection: BidiConnection };
    const tree = (await connection.send('browsingContext.getTree', {
      maxDepth: 0,
      'moz:scope': 'chrome',
    })) as { result: { contexts: Array<{ context: string }> } };
    const context = tree.result.contexts[0]?.context;
    if (!context) throw new Error('BiDi lists no chrome window');
    // The newline keeps a trailing // comment in `source` from swallowing the parenthesis.
    const evaluated = (await connection.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${source}\n)))()`,
      target: { context },
      awaitPromise: true,
      resultOwnership: 'none',
    })) as {
      result:
        | { type: 'success'; result: { type: string; value?: unknown } }
        | { type: 'exception'; exceptionDetails: { text: string } };
    };
    const outcome = evaluated.result;
    if (outcome.type === 'exception')
      throw new Error(`chromeEval: ${outcome.exceptionDetails.text}`);
    return (
      outcome.result.type === 'string' ? JSON.parse(outcome.result.value as string) : undefined
    ) as T;
  };

  const stopBackground = async (): Promise<StoppedBackground> => {
    for (let attempts = 1; attempts <= 50; attempts++) {
      const outcome = await chromeEval<{ stopped: boolean; state: string }>(`(async () => {
        const { ExtensionParent } = ChromeUtils.importESModule(
          'resource://gre/modules/ExtensionParent.sys.mjs',
        );
        const extension = ExtensionParent.GlobalManager.getExtension(${JSON.stringify(FIREFOX_ADDON_ID)});
        if (!extension) throw new Error('the add-on is not running');
        const running = extension.backgroundContext;
        if (extension.backgroundState !== 'running' || !running)
          return { stopped: false, state: extension.backgroundState };
        await extension.terminateBackground();
        return { stopped: extension.backgroundContext !== running, state: extension.backgroundState };
      })()`);
      if (outcome.stopped) return { attempts, state: outcome.state };
      if (outcome.state === 'stopped') {
        // Not running when asked, or stopped meanwhile by Firefox's own idle timer.
        if (attempts === 1) throw new Error('the background is not running');
        return { attempts, state: outcome.state };
      }
      // Postponed (a listener's promise pending), or between states: ask again.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('Firefox kept postponing the termination of the background');
  };

  let installMs = 0;
  try {
    const installStarted = Date.now();
    const id = await browser.installExtension(extensionDir);
    installMs = Date.now() - installStarted;
    if (id !== FIREFOX_ADDON_ID)
      throw new Error(`installed add-on ${id}, expected ${FIREFOX_ADDON_ID}`);
  } catch (error) {
    await browser.close().catch(() => {});
    await proxy.close();
    throw error;
  }

  let closing: Promise<void> | null = null;
  const timings: LaunchedFirefox['timings'] = { launchMs, installMs };
  return {
    browser,
    proxy,
    extensionOrigin,
    hrefOf,
    extensionPages,
    waitForPage,
    async openPage(file) {
      const driver = await driverPage();
      const before = new Set(await browser.pages());
      await driver.evaluate(
        `browser.tabs.create({ url: ${JSON.stringify(`${extensionOrigin}/${file}`)} }).then(() => true)`,
      );
      return waitForPage(file, { exclude: before });
    },
    extensionEval,
    backgroundEval<T>(source: string) {
      // Sloppy-mode script, so `with` is allowed. The newline keeps a trailing // comment in
      // `source` from swallowing the closing parenthesis.
      return extensionEval<T>(`(async () => {
        const backgroundWindow = await browser.runtime.getBackgroundPage();
        if (!backgroundWindow) throw new Error('the extension has no background page');
        with (backgroundWindow) {
          return await (${source}
          );
        }
      })()`);
    },
    chromeEval,
    stopBackground,
    consoleErrors,
    consoleMessages,
    async flushConsole() {
      const marker = `mute-console-harness-${randomUUID()}`;
      const seen = new Promise<void>((resolve) => markers.set(JSON.stringify(marker), resolve));
      await extensionEval(`console.info(${JSON.stringify(marker)})`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([seen, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      markers.delete(JSON.stringify(marker));
    },
    timings,
    close() {
      closing ??= (async () => {
        const closeStarted = Date.now();
        await browser.close().catch(() => {});
        timings.closeMs = Date.now() - closeStarted;
        await proxy.close();
        // Everything Firefox wrote is read once its streams end.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.all(streamsClosed),
          new Promise((resolve) => (timer = setTimeout(resolve, 5000))),
        ]);
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
