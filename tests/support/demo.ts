import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findChromium, launchWithExtension, LOOPBACK_BUILD } from './browser';
import { DEMO_APP, DEMO_PASSPHRASE, DEMO_USERS, generatedUsers, seedApps } from './demo-seed';
import { startEmulator, type Emulator } from './emulator/server';
import { startFixtureServer } from './fixture-server';
import { addApp, addSite, createVault, DEMO_APP_INPUT, testConnection } from './operator';

/**
 * `npm run demo [-- --headless] [-- --out demo-output]`
 *
 * Builds the demo/test build, starts the Chat API emulator and a sample admin page on
 * loopback, opens Chromium with the extension, and sets the demo app up through the options
 * page as an operator would. Headless, it writes screenshots and exits.
 */
const { values } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    out: { type: 'string', default: 'demo-output' },
    'skip-build': { type: 'boolean', default: false },
  },
});

const BRANDED_CHROME = [
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

function explainMissingBrowser(): never {
  const branded = BRANDED_CHROME.find((p) => existsSync(p));
  if (branded) {
    console.log(`Found Google Chrome at ${branded}, but branded Chrome (137+) ignores --load-extension.
Load the demo build by hand instead:
  1. npm run build:loopback, then npm run emulator in another terminal
  2. open chrome://extensions, turn on Developer mode, click "Load unpacked"
  3. choose ${LOOPBACK_BUILD}
Or install Chromium / Chrome for Testing and set CHROMIUM_PATH to it.`);
  } else {
    console.log(`No Chromium found. Install one, then run npm run demo again:
  Debian/Ubuntu: sudo apt-get install -y chromium
  macOS:         brew install --cask chromium
  Anywhere:      Chrome for Testing, with CHROMIUM_PATH=/path/to/chrome`);
  }
  process.exit(1);
}

async function startEmulatorOnFreePorts(): Promise<Emulator> {
  const options = { apps: seedApps(), accounts: [...DEMO_USERS, ...generatedUsers(1000)] };
  try {
    return await startEmulator({ ...options, httpsPort: 8443, httpPort: 8080 });
  } catch {
    return startEmulator(options);
  }
}

async function main(): Promise<void> {
  if (!findChromium()) explainMissingBrowser();
  if (!values['skip-build']) {
    console.log('Building the demo/test build (npm run build:loopback)…');
    const build = spawnSync('npm', ['run', '--silent', 'build:loopback'], {
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  const emulator = await startEmulatorOnFreePorts();
  const pages = await startFixtureServer();
  const headless = values.headless;
  // Headless, the profile is opened again in Chinese for its screenshot.
  const userDataDir = headless ? mkdtempSync(path.join(tmpdir(), 'mute-console-demo-')) : undefined;
  const launch = (language?: string) =>
    launchWithExtension({
      extensionDir: LOOPBACK_BUILD,
      emulatorPort: emulator.httpsPort,
      headless,
      viewport: headless ? { width: 1100, height: 900 } : null,
      userDataDir,
      language,
    });
  const extension = await launch();

  const options = await extension.openPage('options.html');
  await createVault(options, DEMO_PASSPHRASE);
  await addApp(options, DEMO_APP_INPUT);
  const verdict = await testConnection(options, DEMO_APP.label);
  console.log(
    `Demo app "${DEMO_APP.label}" (SDKAppID ${DEMO_APP.sdkAppId}, Singapore): ${verdict}`,
  );
  // The sample admin page gets mute buttons next to its UserID column.
  await addSite(options, {
    label: 'Demo admin page',
    pattern: 'http://127.0.0.1/*',
    kind: 'column',
  });

  const admin = await extension.context.newPage();
  await admin.goto(pages.url);

  if (headless) {
    const out = path.resolve(values.out);
    mkdirSync(out, { recursive: true });
    await admin.waitForTimeout(1500);
    await options.screenshot({ path: path.join(out, 'options.png'), fullPage: true });
    const popup = await extension.openPage('popup.html');
    await popup.setViewportSize({ width: 440, height: 620 });
    await popup.reload();
    await popup.getByLabel('User ID').fill('spammer_01');
    await popup.locator('#mute-state[data-state="known"]').waitFor();
    await popup.screenshot({ path: path.join(out, 'popup.png') });
    await admin.screenshot({ path: path.join(out, 'admin-page.png') });
    // Active mutes are written within a second; then the same profile in Chinese.
    await admin.waitForTimeout(1200);
    await extension.close();
    const chinese = await launch('zh-CN');
    const popupZh = await chinese.openPage('popup.html');
    await popupZh.setViewportSize({ width: 440, height: 620 });
    await popupZh.locator('input[type="password"]').fill(DEMO_PASSPHRASE);
    await popupZh.locator('input[type="password"]').press('Enter');
    await popupZh.locator('#mute-user').fill('spammer_01');
    await popupZh.locator('#mute-state[data-state="known"]').waitFor();
    await popupZh.locator('.duration-picker label.chip').last().click();
    await popupZh.locator('.duration-picker input:not([type])').fill('2小时30分钟');
    await popupZh.screenshot({ path: path.join(out, 'popup-zh-CN.png') });
    await chinese.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    console.log(`Screenshots written to ${out}`);
    await Promise.all([emulator.close(), pages.close()]);
    return;
  }

  console.log(`
Mute Console is running against the local Chat API emulator.
  Passphrase:    ${DEMO_PASSPHRASE}
  Demo users:    ${DEMO_USERS.join(', ')} (and user_0001 … user_1000)
  Sample admin page: ${pages.url} (mute buttons next to each UserID)
Click the Mute Console icon in the toolbar, a button on the sample page, or select an ID and
right-click. Close the browser to stop.`);
  await new Promise<void>((resolve) => extension.context.once('close', () => resolve()));
  await Promise.all([emulator.close(), pages.close()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
