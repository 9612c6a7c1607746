import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { emulatedHosts } from './emulator/server';

/** Where the builds land: `npm run build` and `npm run build:loopback`. */
export const PRODUCTION_BUILD = path.resolve('.output/chrome-mv3');
export const LOOPBACK_BUILD = path.resolve('.output/chrome-mv3-loopback');

/**
 * The Chromium to drive: $CHROMIUM_PATH, else Debian's or a Chrome for Testing found on the
 * usual paths. Branded Google Chrome (137+) ignores --load-extension, so it is not looked for.
 */
export function findChromium(): string | null {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
    'C:\\Program Files\\Chromium\\Application\\chrome.exe',
  ];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}

export interface LaunchOptions {
  extensionDir?: string;
  /** A profile folder to reuse (browser restart tests); a fresh temporary one otherwise. */
  userDataDir?: string;
  /** Send every Chat API host name to this loopback port (the HTTPS emulator). */
  emulatorPort?: number;
  /** Extra host → port mappings, e.g. Tencent's console hosts to a fixture server. */
  extraHostPorts?: Record<string, number>;
  headless?: boolean;
  viewport?: { width: number; height: number } | null;
  /** The browser's UI language, e.g. "zh-CN": it picks the extension's catalogue. */
  language?: string;
}

export interface LaunchedExtension {
  context: BrowserContext;
  extensionId: string;
  userDataDir: string;
  /** The extension's service worker, waiting for it to start if needed. */
  serviceWorker(): Promise<Worker>;
  /** Opens one of the extension's pages, e.g. "options.html". */
  openPage(file: string): Promise<Page>;
  close(): Promise<void>;
}

/** The flags Chromium needs here: root, headless, no network beyond loopback. */
export function chromiumArgs(options: LaunchOptions): string[] {
  const dir = options.extensionDir ?? PRODUCTION_BUILD;
  const rules: string[] = [];
  if (options.emulatorPort !== undefined) {
    for (const host of emulatedHosts()) rules.push(`MAP ${host} 127.0.0.1:${options.emulatorPort}`);
  }
  for (const [host, port] of Object.entries(options.extraHostPorts ?? {})) {
    rules.push(`MAP ${host} 127.0.0.1:${port}`);
  }
  // Anything else resolves nowhere: tests never reach past this machine.
  rules.push('MAP * ~NOTFOUND', 'EXCLUDE 127.0.0.1', 'EXCLUDE localhost');
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--ignore-certificate-errors',
    `--host-resolver-rules=${rules.join(', ')}`,
    `--disable-extensions-except=${dir}`,
    `--load-extension=${dir}`,
    ...(options.language === undefined ? [] : [`--lang=${options.language}`]),
  ];
}

/** Launches Chromium with the built extension loaded and waits for its service worker. */
export async function launchWithExtension(options: LaunchOptions = {}): Promise<LaunchedExtension> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error(
      'No Chromium found: install it (apt-get install -y chromium) or set CHROMIUM_PATH.',
    );
  const temporary = options.userDataDir === undefined;
  const userDataDir =
    options.userDataDir ?? mkdtempSync(path.join(tmpdir(), 'mute-console-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: options.headless ?? true,
    args: chromiumArgs(options),
    viewport: options.viewport === undefined ? { width: 1280, height: 800 } : options.viewport,
  });
  const serviceWorker = async (): Promise<Worker> => {
    const running = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    return running ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  };
  const extensionId = new URL((await serviceWorker()).url()).host;
  return {
    context,
    extensionId,
    userDataDir,
    serviceWorker,
    async openPage(file) {
      const page = await context.newPage();
      const url = `chrome-extension://${extensionId}/${file}`;
      // On a first run the extension opens its options page itself; that navigation can race
      // with ours (more than once on a busy machine), so try again while it interrupts.
      for (let attempt = 1; ; attempt++) {
        try {
          await page.goto(url);
          return page;
        } catch (error) {
          if (attempt >= 5 || !String(error).includes('interrupted')) throw error;
          await page.waitForTimeout(200);
        }
      }
    },
    async close() {
      await context.close();
      if (temporary) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Stops the extension's service worker the way Chromium does when it idles (closing its target
 * through CDP). Returns a check that the worker now answering is a new one: its globals are fresh.
 */
export async function stopServiceWorker(
  extension: LaunchedExtension,
  page: Page,
): Promise<() => Promise<boolean>> {
  const before = await extension.serviceWorker();
  await before.evaluate(() => {
    (globalThis as { __muteConsoleOldWorker?: boolean }).__muteConsoleOldWorker = true;
  });
  const cdp = await extension.context.newCDPSession(page);
  const { targetInfos } = (await cdp.send('Target.getTargets')) as {
    targetInfos: Array<{ targetId: string; type: string; url: string }>;
  };
  const target = targetInfos.find(
    (t) => t.type === 'service_worker' && t.url.includes(extension.extensionId),
  );
  if (!target) throw new Error('the extension has no running service worker');
  await cdp.send('Target.closeTarget', { targetId: target.targetId });
  await cdp.detach();
  return async () => {
    const now = await extension.serviceWorker();
    return now.evaluate(
      () => !(globalThis as { __muteConsoleOldWorker?: boolean }).__muteConsoleOldWorker,
    );
  };
}

/**
 * The operator's "Allow" in the browser's host-access prompt, which headless Chromium cannot
 * show: the same grant made where an operator can make it by hand (chrome://extensions → site
 * access → add a site). The extension's own `permissions.request` from a click then resolves
 * true without a prompt, as it does once the operator has answered it.
 */
export async function allowSiteAccess(
  extension: LaunchedExtension,
  pattern: string,
): Promise<void> {
  const page = await extension.context.newPage();
  await page.goto('chrome://extensions');
  await page.evaluate(
    async ([id, host]) => {
      const api = (
        globalThis as unknown as {
          chrome: {
            developerPrivate: { addHostPermission(id: string, host: string): Promise<void> };
          };
        }
      ).chrome.developerPrivate;
      await api.addHostPermission(id!, host!);
    },
    [extension.extensionId, pattern],
  );
  await page.close();
}
