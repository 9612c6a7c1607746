import type { Page, Worker } from '@playwright/test';
import { LOOPBACK_BUILD, type LaunchedExtension } from '../support/browser';
import { DEMO_APP } from '../support/demo-seed';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { expect, setUpDemoApp, test, PASSPHRASE } from './fixtures';
import { runMenu, runShortcut, selectText } from '../support/worker-handlers';

const APP = DEMO_APP.sdkAppId;
const PERMANENT = 4294967295;
let fixtures: FixtureServer;
test.beforeAll(async () => {
  fixtures = await startFixtureServer();
});
test.afterAll(async () => {
  await fixtures.close();
});
test.use({ buildDir: LOOPBACK_BUILD });

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

/**
 * Records what the extension tells the operator (headless Chromium keeps notifications silent):
 * each notification's id, message and buttons, newest last.
 */
async function recordNotifications(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    type Options = { message: string; buttons?: Array<{ title: string }> };
    const scope = globalThis as unknown as {
      chrome: { notifications: { create(...args: unknown[]): unknown } };
      shown?: Array<{ id: string | null; message: string; buttons: string[] }>;
      lastNotification?: string;
    };
    const create = scope.chrome.notifications.create.bind(scope.chrome.notifications);
    scope.chrome.notifications.create = (...args: unknown[]) => {
      const [id, options] = (typeof args[0] === 'string' ? args : [null, args[0]]) as [
        string | null,
        Options,
      ];
      (scope.shown ??= []).push({
        id,
        message: options.message,
        buttons: (options.buttons ?? []).map((b) => b.title),
      });
      scope.lastNotification = options.message;
      return create(...args);
    };
  });
}

async function shownNotifications(
  worker: Worker,
): Promise<Array<{ id: string | null; message: string; buttons: string[] }>> {
  return worker.evaluate(
    () =>
      (
        globalThis as unknown as {
          shown?: Array<{ id: string | null; message: string; buttons: string[] }>;
        }
      ).shown ?? [],
  );
}

/** Runs the worker's notification handlers, as a click on a notification (or its button) would. */
function notificationClick(worker: Worker, id: string, button: number | null): Promise<void> {
  return worker.evaluate(
    ([notificationId, index]) => {
      const handlers = (
        globalThis as unknown as {
          muteConsoleHandlers: {
            onNotificationButton(id: string, index: number): Promise<void>;
            onNotificationClicked(id: string): Promise<void>;
          };
        }
      ).muteConsoleHandlers;
      return index === null
        ? handlers.onNotificationClicked(notificationId)
        : handlers.onNotificationButton(notificationId, index);
    },
    [id, button] as const,
  );
}

test('the selection menu mutes with a preset, checks a status, and explains a bad selection', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  const worker = await extension.serviceWorker();
  await recordNotifications(worker);
  const url = `${fixtures.url}/custom-admin.html`;
  // The selection is exactly one ID, the one the menu item showed: it acts at once.
  await runMenu(worker, 'mute:preset:600', 'spammer_02', url);
  expect(emulator.muteState(APP, 'spammer_02').c2c).toBeGreaterThan(590);
  expect(await lastNotification(extension)).toBe('Muted spammer_02 on Demo community for 10 min.');

  await runMenu(worker, 'check', '“spammer_02”', url);
  expect(await lastNotification(extension)).toMatch(
    /^spammer_02 on Demo community: One-to-one and group: muted, (10 min|9 min \d+ sec) left/,
  );

  await runMenu(worker, 'unmute', 'spammer_02', url);
  expect(emulator.muteState(APP, 'spammer_02')).toEqual({ c2c: 0, group: 0 });
  expect(await lastNotification(extension)).toBe('Unmuted spammer_02 on Demo community.');

  await runMenu(worker, 'mute:preset:600', 'これはIDではない', url);
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

  let opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runMenu(worker, 'mute:custom', 'erin', url);
  let window = await opened;
  await expect(window.getByText(/^Mute erin ·/)).toBeVisible();
  // "Custom…" opens on Custom with the cursor in its field: the operator just types.
  await expect(window.getByLabel(/Custom duration/)).toBeFocused();
  await window.keyboard.type('2h');
  await window.keyboard.press('Enter');
  await expect(window.getByText('Muted erin on Demo community for 2 hr.')).toBeVisible();
  expect(emulator.muteState(APP, 'erin').group).toBeGreaterThan(7190);

  // Done, the window closes itself.
  await window.waitForEvent('close', { timeout: 15_000 });
  await options.getByRole('button', { name: 'Lock' }).click();
  opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runMenu(worker, 'mute:preset:3600', 'frank', url);
  window = await opened;
  expect(emulator.muteState(APP, 'frank').c2c).toBe(0);
  await window.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await window.getByRole('button', { name: 'Unlock' }).click();
  // Unlocked, it shows the same target and waits for the operator's Enter.
  await expect(window.getByRole('button', { name: 'Mute', exact: true })).toBeFocused();
  expect(emulator.muteState(APP, 'frank').c2c).toBe(0);
  await window.keyboard.press('Enter');
  await expect(window.getByText('Muted frank on Demo community for 1 hr.')).toBeVisible();
  expect(emulator.muteState(APP, 'frank').c2c).toBeGreaterThan(3590);
});

/**
 * Esc in the action window cancels and closes it: only the key going down is sent (the window
 * may be gone before a key-up could reach it), and the close is awaited.
 */
async function escapeCloses(window: Page): Promise<void> {
  const closed = window.waitForEvent('close', { timeout: 15_000 });
  await window.keyboard.down('Escape');
  await closed;
}

const mutes = (emulator: { requests: Array<{ command: string }> }) =>
  emulator.requests.filter((r) => r.command === 'setnospeaking');

test('the keyboard command always shows what it would mute: the ID as sent, the app, the state and the default duration; Enter confirms', async ({
  extension,
  emulator,
}) => {
  const options = await setUpDemoApp(extension);
  const page = await extension.context.newPage();
  await page.goto(`${fixtures.url}/custom-admin.html`);
  await selectText(page, '#plain');
  const worker = await extension.serviceWorker();
  let opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runShortcut(worker, page);
  let window = await opened;
  await expect(
    window.getByText('Mute spammer_02 · Demo community (1400187352) PROD'),
  ).toBeVisible();
  await expect(window.getByRole('radio', { name: '1 hr' })).toBeChecked();
  await expect(window.getByRole('status')).toHaveText('Not muted');
  // Nothing is sent before the operator's Enter, which the window's Mute button receives.
  expect(mutes(emulator)).toEqual([]);
  await expect(window.getByRole('button', { name: 'Mute', exact: true })).toBeFocused();
  await window.keyboard.press('Enter');
  await expect(window.getByText('Muted spammer_02 on Demo community for 1 hr.')).toBeVisible();
  expect(emulator.muteState(APP, 'spammer_02').c2c).toBeGreaterThan(3590);
  await window.waitForEvent('close', { timeout: 15_000 });

  // The popup's last choice does not leak into the shortcut: the options' default does.
  const popup = await extension.openPage('popup.html');
  await popup.getByLabel('User ID').fill('carol');
  await popup.locator('label.chip', { hasText: '30 days' }).click();
  await popup.getByRole('button', { name: 'Mute carol' }).click();
  await expect(popup.getByText(/Muted carol for 30 days/)).toBeVisible();
  await options.reload();
  await options
    .getByLabel('Default duration (keyboard shortcut)')
    .selectOption({ label: '10 min' });
  await expect(options.getByLabel('Default duration (keyboard shortcut)')).toHaveValue('600');
  emulator.reset();
  await page.bringToFront();
  await selectText(page, '#plain');
  opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runShortcut(worker, page);
  window = await opened;
  await expect(window.getByRole('radio', { name: '10 min' })).toBeChecked();
  await expect(window.getByRole('button', { name: 'Mute', exact: true })).toBeFocused();
  await window.keyboard.press('Enter');
  await expect(window.getByText('Muted spammer_02 on Demo community for 10 min.')).toBeVisible();
});

test('the action window is a whole form for the keyboard: digits pick presets, scopes and reason go with the mute, focus lands on the result', async ({
  extension,
  emulator,
}) => {
  const options = await setUpDemoApp(extension);
  const page = await extension.context.newPage();
  await page.goto(`${fixtures.url}/custom-admin.html`);
  await selectText(page, '#plain');
  const worker = await extension.serviceWorker();
  const opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runShortcut(worker, page);
  const window = await opened;
  const mute = window.getByRole('button', { name: 'Mute', exact: true });
  await expect(mute).toBeFocused();
  // The options' scopes are ticked; 1 picks the first preset without leaving Mute.
  await expect(window.getByRole('checkbox', { name: 'One-to-one' })).toBeChecked();
  await expect(window.getByRole('checkbox', { name: 'Group' })).toBeChecked();
  await window.keyboard.press('1');
  await expect(window.getByRole('radio', { name: '10 min' })).toBeChecked();
  await expect(mute).toBeFocused();
  await window.getByRole('checkbox', { name: 'One-to-one' }).uncheck();
  // Enter on the checkbox confirms, as in a text field.
  await window.getByLabel('Reason (optional, for the audit log)').fill('spam links');
  await window.getByRole('checkbox', { name: 'Group' }).focus();
  expect(mutes(emulator)).toEqual([]);
  await window.keyboard.press('Enter');
  // Focus moves to the result, which a screen reader reads.
  await expect(window.locator(':focus')).toHaveText(
    'Muted spammer_02 on Demo community for 10 min.',
  );
  const state = emulator.muteState(APP, 'spammer_02');
  expect(state.c2c).toBe(0);
  expect(state.group).toBeGreaterThan(590);
  expect(state.group).toBeLessThanOrEqual(600);
  await options.reload();
  const audit = options.getByRole('region', { name: 'Audit log' });
  await expect(audit.getByRole('row', { name: /spammer_02 Mute, 10 min/ })).toContainText(
    'spam links',
  );
});

test('a page that swaps the selection on keydown, or hides a second ID in it, never gets its choice muted', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  const page = await extension.context.newPage();
  await page.goto(`${fixtures.url}/custom-admin.html`);
  const worker = await extension.serviceWorker();
  // The operator selected spammer_02; as the shortcut's keys go down the page selects erin.
  await page.evaluate(() => {
    document.addEventListener('keydown', () => {
      const erin = document.querySelector('[data-uid="erin"]') as Element;
      erin.textContent = 'erin';
      const range = document.createRange();
      range.selectNodeContents(erin);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
    });
  });
  await selectText(page, '#plain');
  await page.keyboard.press('Shift');
  let opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runShortcut(worker, page);
  let window = await opened;
  // The window names the page's choice before anything happens: the operator sees it and leaves.
  await expect(window.getByText(/^Mute erin ·/)).toBeVisible();
  await escapeCloses(window);
  expect(mutes(emulator)).toEqual([]);

  // A selection with a second ID hidden in it: shown exactly as it would be sent.
  await page.reload();
  await page.evaluate(() => {
    const plain = document.getElementById('plain') as HTMLElement;
    plain.innerHTML = 'spammer_02<span style="font-size:0"> alice</span>';
  });
  await selectText(page, '#plain');
  opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runShortcut(worker, page);
  window = await opened;
  await expect(window.getByText(/^Mute spammer_02␣alice ·/)).toBeVisible();
  await escapeCloses(window);
  // The menu: a selection whose text is not exactly one ID goes through the window too.
  opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runMenu(worker, 'mute:preset:600', 'spammer_02 alice', page.url());
  window = await opened;
  await expect(window.getByText(/^Mute spammer_02␣alice ·/)).toBeVisible();
  await escapeCloses(window);
  opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runMenu(worker, 'mute:preset:600', ' @spammer_02 ', page.url());
  window = await opened;
  await expect(window.getByText(/^Mute spammer_02 ·/)).toBeVisible();
  await escapeCloses(window);
  expect(mutes(emulator)).toEqual([]);
  expect(emulator.muteState(APP, 'alice')).toEqual({ c2c: 0, group: 0 });
});

test('the menu asks before it shortens a permanent mute, saying before → after; Esc leaves it in place', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  emulator.setMute(APP, 'troll-42', { c2c: PERMANENT, group: PERMANENT });
  const worker = await extension.serviceWorker();
  const url = `${fixtures.url}/custom-admin.html`;
  let opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runMenu(worker, 'mute:preset:600', 'troll-42', url);
  let window = await opened;
  await expect(window.getByRole('alert')).toHaveText(
    "Shorten troll-42's mute on Demo community (PROD)? One-to-one: Permanent → 10 min · Group: Permanent → 10 min",
  );
  await expect(window.getByRole('status')).toHaveText('One-to-one and group: muted permanently');
  await escapeCloses(window);
  expect(mutes(emulator)).toEqual([]);
  expect(emulator.muteState(APP, 'troll-42')).toEqual({ c2c: PERMANENT, group: PERMANENT });

  // Asked again, the operator says yes: shortened, as said.
  opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runMenu(worker, 'mute:preset:600', 'troll-42', url);
  window = await opened;
  await expect(window.getByRole('button', { name: 'Yes, shorten it' })).toBeFocused();
  await window.keyboard.press('Enter');
  await expect(window.getByText('Muted troll-42 on Demo community for 10 min.')).toBeVisible();
  expect(emulator.muteState(APP, 'troll-42').c2c).toBeLessThanOrEqual(600);

  // An explicit Unmute says what it does and does not ask.
  emulator.setMute(APP, 'troll-42', { c2c: PERMANENT, group: PERMANENT });
  await runMenu(worker, 'unmute', 'troll-42', url);
  expect(emulator.muteState(APP, 'troll-42')).toEqual({ c2c: 0, group: 0 });
});

test('Undo where the action happened: the notification of a menu mute offers it, as a button or, clicked, in the action window', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  emulator.setMute(APP, 'bob', { c2c: 7 * 86400, group: 7 * 86400 });
  const worker = await extension.serviceWorker();
  await recordNotifications(worker);
  const url = `${fixtures.url}/custom-admin.html`;
  await runMenu(worker, 'mute:preset:600', 'spammer_02', url);
  expect(emulator.muteState(APP, 'spammer_02').c2c).toBeGreaterThan(590);
  const [muted] = await shownNotifications(worker);
  expect(muted).toMatchObject({
    id: expect.stringMatching(/^undo:/),
    message: 'Muted spammer_02 on Demo community for 10 min.',
    buttons: ['Undo'],
  });
  // Chrome: the notification's Undo button restores what was there (not muted).
  await notificationClick(worker, muted?.id ?? '', 0);
  expect(emulator.muteState(APP, 'spammer_02')).toEqual({ c2c: 0, group: 0 });
  expect((await shownNotifications(worker)).at(-1)?.message).toBe(
    "Restored spammer_02's previous state.",
  );
  // Used once: a second press says so and changes nothing.
  await notificationClick(worker, muted?.id ?? '', 0);
  expect((await shownNotifications(worker)).at(-1)?.message).toBe(
    'That Undo is no longer available: each Undo works once, for 10 minutes.',
  );

  // Where notifications have no buttons, a click opens the action window on that Undo.
  await runMenu(worker, 'unmute', 'bob', url);
  expect(emulator.muteState(APP, 'bob')).toEqual({ c2c: 0, group: 0 });
  const unmuted = (await shownNotifications(worker)).at(-1);
  expect(unmuted?.id).toMatch(/^undo:/);
  const opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await notificationClick(worker, unmuted?.id ?? '', null);
  const window = await opened;
  await expect(window.getByText("Undo: restore bob's previous state ·")).toBeVisible();
  await expect(window.getByRole('button', { name: 'Undo', exact: true })).toBeFocused();
  await window.keyboard.press('Enter');
  await expect(window.getByText("Restored bob's previous state.")).toBeVisible();
  expect(emulator.muteState(APP, 'bob').group).toBeGreaterThan(7 * 86400 - 60);
});
