import type { Worker } from '@playwright/test';
import { LOOPBACK_BUILD, type LaunchedExtension } from '../support/browser';
import { DEMO_APP } from '../support/demo-seed';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { expect, setUpDemoApp, test, PASSPHRASE } from './fixtures';

const APP = DEMO_APP.sdkAppId;
let fixtures: FixtureServer;
test.beforeAll(async () => {
  fixtures = await startFixtureServer();
});
test.afterAll(async () => {
  await fixtures.close();
});
test.use({ buildDir: LOOPBACK_BUILD });

type Handlers = {
  onMenuClicked(
    info: { menuItemId: string; selectionText?: string },
    tab?: { id?: number; url?: string },
  ): Promise<void>;
  onCommand(command: string, tab?: { id?: number; url?: string }): Promise<void>;
};

/** Runs the worker's menu handler, as a click on the selection menu would. */
function menu(worker: Worker, menuItemId: string, selectionText: string, url: string) {
  return worker.evaluate(
    ([id, text, pageUrl]) =>
      (
        globalThis as unknown as { muteConsoleHandlers: Handlers }
      ).muteConsoleHandlers.onMenuClicked(
        { menuItemId: id, selectionText: text },
        { url: pageUrl },
      ),
    [menuItemId, selectionText, url] as const,
  );
}

async function notifications(worker: Worker): Promise<string[]> {
  return worker.evaluate(async () => {
    const chrome = (
      globalThis as unknown as {
        chrome: { notifications: { getAll(): Promise<Record<string, unknown>> } };
      }
    ).chrome;
    return Object.keys(await chrome.notifications.getAll());
  });
}

async function lastNotification(extension: LaunchedExtension): Promise<string> {
  const worker = await extension.serviceWorker();
  return worker.evaluate(
    () => (globalThis as unknown as { lastNotification?: string }).lastNotification ?? '',
  );
}

test('the selection menu mutes with a preset, checks a status, and explains a bad selection', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  const worker = await extension.serviceWorker();
  // Record what the extension tells the operator (headless Chromium keeps notifications silent).
  await worker.evaluate(() => {
    const chrome = (
      globalThis as unknown as {
        chrome: { notifications: { create(o: { message: string }): unknown } };
      }
    ).chrome;
    const create = chrome.notifications.create.bind(chrome.notifications);
    chrome.notifications.create = (options: { message: string }) => {
      (globalThis as unknown as { lastNotification?: string }).lastNotification = options.message;
      return create(options);
    };
  });
  const url = `${fixtures.url}/custom-admin.html`;
  await menu(worker, 'mute:preset:600', ' @spammer_02 ', url);
  expect(emulator.muteState(APP, 'spammer_02').c2c).toBeGreaterThan(590);
  expect(await lastNotification(extension)).toBe('Muted spammer_02 on Demo community for 10 min.');

  await menu(worker, 'check', '“spammer_02”', url);
  expect(await lastNotification(extension)).toMatch(
    /^spammer_02 on Demo community: One-to-one and group: muted, (10 min|9 min \d+ sec) left/,
  );

  await menu(worker, 'unmute', 'spammer_02', url);
  expect(emulator.muteState(APP, 'spammer_02')).toEqual({ c2c: 0, group: 0 });
  expect(await lastNotification(extension)).toBe('Unmuted spammer_02 on Demo community.');

  await menu(worker, 'mute:preset:600', 'これはIDではない', url);
  expect(await lastNotification(extension)).toBe(
    '“これはIDではない” cannot be muted: A user ID may contain only printable ASCII characters (letters, digits, _ and - are always safe).',
  );
  expect(await notifications(worker)).not.toHaveLength(0);
});

test('"Custom…" and a locked vault go through the action window, then carry on with the same target', async ({
  extension,
  emulator,
}) => {
  const options = await setUpDemoApp(extension);
  const worker = await extension.serviceWorker();
  const url = `${fixtures.url}/custom-admin.html`;

  let opened = extension.context.waitForEvent('page');
  await menu(worker, 'mute:custom', 'erin', url);
  let window = await opened;
  await expect(window.getByText('Mute erin')).toBeVisible();
  await window.locator('label.chip', { hasText: 'Custom' }).click();
  await window.getByLabel(/Custom duration/).fill('2h');
  await window.getByRole('button', { name: 'Mute', exact: true }).click();
  await expect(window.getByText('Muted erin on Demo community for 2 hr.')).toBeVisible();
  expect(emulator.muteState(APP, 'erin').group).toBeGreaterThan(7190);

  // Done, the window closes itself.
  await window.waitForEvent('close');
  await options.getByRole('button', { name: 'Lock' }).click();
  opened = extension.context.waitForEvent('page');
  await menu(worker, 'mute:preset:3600', 'frank', url);
  window = await opened;
  expect(emulator.muteState(APP, 'frank').c2c).toBe(0);
  await window.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await window.getByRole('button', { name: 'Unlock' }).click();
  await expect(window.getByText('Muted frank on Demo community for 1 hr.')).toBeVisible();
  expect(emulator.muteState(APP, 'frank').c2c).toBeGreaterThan(3590);
});

test('the keyboard command mutes the selected text with the default preset, asking first when it is permanent', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  const page = await extension.context.newPage();
  await page.goto(`${fixtures.url}/custom-admin.html`);
  await page.evaluate(() => {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById('plain') as HTMLElement);
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
  });
  const worker = await extension.serviceWorker();
  const run = () =>
    worker.evaluate(async (pageUrl) => {
      const chrome = (
        globalThis as unknown as {
          chrome: { tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> } };
        }
      ).chrome;
      const [tab] = await chrome.tabs.query({ url: pageUrl });
      await (
        globalThis as unknown as { muteConsoleHandlers: Handlers }
      ).muteConsoleHandlers.onCommand('mute-selection', tab);
    }, page.url());
  await run();
  expect(emulator.muteState(APP, 'spammer_02').c2c).toBeGreaterThan(3590);

  // Make Permanent the remembered choice: the shortcut then asks in the window.
  const popup = await extension.openPage('popup.html');
  await popup.getByLabel('User ID').fill('carol');
  await popup.locator('label.chip', { hasText: 'Permanent' }).click();
  await popup.getByRole('button', { name: 'Mute carol' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Yes, mute' }).click();
  await expect(popup.getByText('Muted carol permanently')).toBeVisible();
  emulator.reset();
  await page.bringToFront();
  const opened = extension.context.waitForEvent('page');
  await run();
  const window = await opened;
  await expect(window.getByRole('alert')).toContainText(
    'Mute spammer_02 permanently on Demo community?',
  );
  expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toEqual([]);
  await window.getByRole('button', { name: 'Yes, mute' }).click();
  await expect(window.getByText('Muted spammer_02 permanently on Demo community.')).toBeVisible();
});
