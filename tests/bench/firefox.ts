import { execFileSync } from 'node:child_process';
import { DEMO_PASSPHRASE } from '../support/demo-seed';
import { findFirefox, launchFirefox } from '../support/firefox';
import {
  addApp,
  aria,
  createVault,
  field,
  pageButtonPoint,
  popoverOpen,
} from '../support/firefox-operator';
import { DEMO_APP_INPUT } from '../support/operator';
import { timeRequest, type RemoteEmulator } from './remote-emulator';

export interface FirefoxTimings {
  version: string;
  /** Popup Mute click → request at the emulator, warm background. */
  popup: number[];
  /** Page button popover's Enter → request at the emulator, warm background. */
  page: number[];
  /** vault.unlock round trip from an extension page at 1,000,000 PBKDF2 iterations. */
  unlock: number[];
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The figures `npm run bench` prints for Firefox beside Chromium's: the production Firefox build
 * in firefox-esr (tests/support/firefox.ts), against the same emulator, measured the same way.
 */
export async function firefoxTimings(
  emulator: RemoteEmulator,
  consoleHost: string,
  consolePort: number,
  runs: number,
): Promise<FirefoxTimings | null> {
  const executable = findFirefox();
  if (!executable) return null;
  const firefox = await launchFirefox({
    emulatorPort: emulator.httpsPort,
    extraHostPorts: { [consoleHost]: consolePort },
  });
  try {
    const options = await firefox.waitForPage('options.html');
    await createVault(options);
    await addApp(options, DEMO_APP_INPUT);
    const timings: FirefoxTimings = {
      version: execFileSync(executable, ['--version']).toString().trim(),
      popup: [],
      page: [],
      unlock: [],
    };
    for (let run = 0; run < runs; run++) {
      // Popup: the state of the ID is known, then the click.
      const popup = await firefox.openPage('popup.html');
      await (
        await field(popup, 'User ID')
      )
        .asLocator()
        .fill(`user_0${String(run + 1).padStart(3, '0')}`);
      await popup.waitForSelector('#mute-state[data-state="known"]');
      const name = `Mute user_0${String(run + 1).padStart(3, '0')}`;
      // The button's place first: puppeteer's locator click waits for frames to settle first
      // (≈450 ms here), which is the driver's time, not the product's.
      const box = await (await popup.waitForSelector(aria('button', name)))?.boundingBox();
      if (!box) throw new Error(`no ${name} button`);
      timings.popup.push(
        await timeRequest(emulator, () =>
          popup.mouse.click(box.x + box.width / 2, box.y + box.height / 2),
        ),
      );
      await popup.close();

      // Page button: the popover open and armed (1 s in Firefox), then a trusted Enter.
      const page = await firefox.browser.newPage();
      await page.goto(`https://${consoleHost}/im/account-management`);
      let point: { x: number; y: number } | null = null;
      for (let i = 0; i < 100 && !point; i++) {
        point = await pageButtonPoint(page, 'bob');
        if (!point) await pause(50);
      }
      if (point) {
        await page.mouse.move(point.x, point.y);
        await pause(450);
        await page.mouse.click(point.x, point.y);
        for (let i = 0; i < 100 && !(await popoverOpen(page)); i++) await pause(20);
        await pause(1200);
        timings.page.push(await timeRequest(emulator, () => page.keyboard.press('Enter')));
      } else console.log('Firefox: no page button for bob on the console fixture; not timed.');
      await page.close();

      timings.unlock.push(
        await firefox.extensionEval<number>(`(async () => {
          await browser.runtime.sendMessage({ type: 'vault.lock' });
          const t = performance.now();
          await browser.runtime.sendMessage({ type: 'vault.unlock', passphrase: ${JSON.stringify(DEMO_PASSPHRASE)} });
          return performance.now() - t;
        })()`),
      );
      await emulator.reset();
    }
    return timings;
  } finally {
    await firefox.close();
  }
}
