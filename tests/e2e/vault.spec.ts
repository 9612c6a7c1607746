import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConsoleMessage, Page } from '@playwright/test';
import { DEMO_APP, SECOND_APP } from '../support/demo-seed';
import { stopServiceWorker, type LaunchedExtension } from '../support/browser';
import { DEMO_APP_INPUT, PASSPHRASE, addApp, createVault, expect, test } from './fixtures';

const SECRETS = [DEMO_APP.secretKey, SECOND_APP.secretKey];

async function storageLocal(extension: LaunchedExtension): Promise<string> {
  const worker = await extension.serviceWorker();
  return worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as {
      chrome: { storage: { local: { get(k: null): Promise<unknown> } } };
    };
    return JSON.stringify(await chrome.storage.local.get(null));
  });
}

async function unlock(page: Page, passphrase: string): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Unlock' }).click();
}

function card(page: Page, label: string) {
  return page.getByRole('listitem', { name: label });
}

test('onboarding, two apps, connection tests with their messages, lock and unlock', async ({
  extension,
  emulator,
}) => {
  const consoleLines: string[] = [];
  const page = await extension.openPage('options.html');
  page.on('console', (m: ConsoleMessage) => consoleLines.push(m.text()));

  await expect(page.getByText('Step 1 of 3')).toBeVisible();
  // The length rule is explained before anything is sent.
  await page.getByLabel('New passphrase').fill('short');
  await page.getByLabel('Repeat the passphrase').fill('short');
  await page.getByRole('button', { name: 'Create vault' }).click();
  await expect(page.getByText('Use at least 12 characters.')).toBeVisible();
  await expect(page.getByLabel('New passphrase')).toHaveAttribute('type', 'password');
  await expect(page.getByLabel('New passphrase')).toHaveAttribute('autocomplete', 'off');

  await createVault(page);
  await addApp(page, DEMO_APP_INPUT);
  await expect(page.getByText('Step 3 of 3')).toBeVisible();

  // A second app in another data centre, then two broken copies of the first.
  await page.getByRole('button', { name: 'Add another app' }).click();
  await addApp(page, {
    label: SECOND_APP.label,
    environment: 'Staging',
    region: 'Frankfurt',
    sdkAppId: SECOND_APP.sdkAppId,
    secretKey: SECOND_APP.secretKey,
  });
  await page.getByRole('button', { name: 'Add another app' }).click();
  await addApp(page, {
    label: 'Wrong key',
    region: 'Singapore',
    sdkAppId: DEMO_APP.sdkAppId,
    secretKey: 'not-the-right-key',
  });
  await expect(page.getByText('“Demo community” already uses this SDKAppID')).toBeHidden();
  await page.getByRole('button', { name: 'Add another app' }).click();
  const form = page.locator('form.profile-form').last();
  await form.getByLabel('SDKAppID').fill(String(DEMO_APP.sdkAppId));
  await expect(form.getByText('“Demo community” already uses this SDKAppID')).toBeVisible();
  await addApp(page, {
    label: 'Wrong region',
    region: 'Frankfurt',
    sdkAppId: DEMO_APP.sdkAppId,
    secretKey: DEMO_APP.secretKey,
  });

  await card(page, DEMO_APP.label).getByRole('button', { name: 'Test connection' }).click();
  await expect(
    card(page, DEMO_APP.label).getByText(/Connected in \d+ ms to adminapisgp\.im\.qcloud\.com/),
  ).toBeVisible();
  await card(page, SECOND_APP.label).getByRole('button', { name: 'Test connection' }).click();
  await expect(
    card(page, SECOND_APP.label).getByText(/Connected in \d+ ms to adminapiger\.im\.qcloud\.com/),
  ).toBeVisible();
  await expect(card(page, SECOND_APP.label).getByText('Staging')).toBeVisible();

  await card(page, 'Wrong key').getByRole('button', { name: 'Test connection' }).click();
  await expect(
    card(page, 'Wrong key').getByText('The signature check failed (code 70009)'),
  ).toBeVisible();
  await expect(card(page, 'Wrong key').getByText(/Apps created before 2019-08-15/)).toBeVisible();

  await card(page, 'Wrong region').getByRole('button', { name: 'Test connection' }).click();
  await expect(
    card(page, 'Wrong region').getByText('This app is not in that data centre (code 70016).'),
  ).toBeVisible();
  await expect(
    card(page, 'Wrong region').getByText(/UserSig used: app 1400187352, admin administrator/),
  ).toBeVisible();
  expect(
    emulator.requests.filter((r) => r.host === 'adminapiger.im.qcloud.com').map((r) => r.errorCode),
  ).toEqual([0, 70016]);

  // Lock, a wrong passphrase, then the right one.
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { name: 'Unlock Mute Console' })).toBeVisible();
  await unlock(page, 'not my passphrase');
  await expect(page.getByText('Wrong passphrase.')).toBeVisible();
  await expect(page.getByLabel('Passphrase', { exact: true })).toBeFocused();
  await unlock(page, PASSPHRASE);
  await expect(card(page, DEMO_APP.label)).toBeVisible();

  // The popup, locked, shows the unlock form and nothing else.
  await page.getByRole('button', { name: 'Lock' }).click();
  const popup = await extension.openPage('popup.html');
  await expect(popup.getByRole('heading', { name: 'Unlock Mute Console' })).toBeVisible();
  await expect(popup.getByText(DEMO_APP.label)).toHaveCount(0);
  await expect(popup.locator('input')).toHaveCount(1);

  const stored = await storageLocal(extension);
  for (const secret of SECRETS) {
    expect(stored).not.toContain(secret);
    expect(await page.content()).not.toContain(secret);
    expect(consoleLines.join('\n')).not.toContain(secret);
  }
  expect(stored).not.toContain(DEMO_APP.label);
});

test('a worker restart while unlocked keeps working; a browser restart is locked with data intact', async ({
  launch,
  emulator,
}) => {
  const profileDir = mkdtempSync(path.join(tmpdir(), 'mute-console-restart-'));
  try {
    const first = await launch({ userDataDir: profileDir });
    const page = await first.openPage('options.html');
    await createVault(page);
    await addApp(page, DEMO_APP_INPUT);

    const restarted = await stopServiceWorker(first, page);
    // The next request wakes a new worker, which picks the key up from storage.session.
    await card(page, DEMO_APP.label).getByRole('button', { name: 'Test connection' }).click();
    await expect(card(page, DEMO_APP.label).getByText(/Connected in \d+ ms/)).toBeVisible();
    expect(await restarted()).toBe(true);
    await first.context.close();

    emulator.reset();
    const second = await launch({ userDataDir: profileDir });
    const again = await second.openPage('options.html');
    await expect(again.getByRole('heading', { name: 'Unlock Mute Console' })).toBeVisible();
    await unlock(again, PASSPHRASE);
    await card(again, DEMO_APP.label).getByRole('button', { name: 'Test connection' }).click();
    await expect(card(again, DEMO_APP.label).getByText(/Connected in \d+ ms/)).toBeVisible();
    // Closed before its profile is removed: a running Chromium still writes into it.
    await second.close();
  } finally {
    rmSync(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
});

test('export a backup, then import it into a fresh browser profile', async ({
  extension,
  launch,
}) => {
  const page = await extension.openPage('options.html');
  await createVault(page);
  await addApp(page, DEMO_APP_INPUT);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export backup' }).click();
  const file = await (await download).path();
  const backup = readFileSync(file, 'utf8');
  expect(JSON.parse(backup)).toMatchObject({
    type: 'mute-console-vault-backup',
    vault: { kdf: { name: 'PBKDF2-SHA256' } },
  });
  expect(backup).not.toContain(DEMO_APP.secretKey);

  const fresh = await launch();
  const other = await fresh.openPage('options.html');
  await other.getByLabel('Backup file').setInputFiles(file);
  await other.getByLabel('Passphrase the backup was made with').fill('wrong passphrase');
  await other.getByRole('button', { name: 'Restore backup' }).click();
  await expect(other.getByText('Wrong passphrase.')).toBeVisible();
  await other.getByLabel('Passphrase the backup was made with').fill(PASSPHRASE);
  await other.getByRole('button', { name: 'Restore backup' }).click();
  await expect(card(other, DEMO_APP.label)).toBeVisible();
  await card(other, DEMO_APP.label).getByRole('button', { name: 'Test connection' }).click();
  await expect(card(other, DEMO_APP.label).getByText(/Connected in \d+ ms/)).toBeVisible();
});

test('forget everything asks for the typed word, then leaves nothing behind', async ({
  extension,
}) => {
  const page = await extension.openPage('options.html');
  await createVault(page);
  await addApp(page, DEMO_APP_INPUT);
  await page.getByRole('button', { name: 'Forget everything…' }).click();
  const submit = page.getByRole('button', { name: 'Delete everything' });
  await expect(submit).toBeDisabled();
  await page.getByLabel('Type “forget” to confirm').fill('forget');
  await submit.click();
  await expect(page.getByText('Step 1 of 3')).toBeVisible();
  expect(await storageLocal(extension)).toBe('{}');
});

test('unreadable settings: named in the options page, reset on their own, the vault and apps kept', async ({
  extension,
}) => {
  const page = await extension.openPage('options.html');
  await createVault(page);
  await addApp(page, DEMO_APP_INPUT);
  await page.evaluate(async () => {
    const { chrome } = globalThis as unknown as {
      chrome: { storage: { local: { set(items: object): Promise<void> } } };
    };
    await chrome.storage.local.set({ settings: { autoLockMinutes: 'soon' } });
  });
  await page.reload();
  const notice = page.getByRole('alert').filter({ hasText: 'Some stored data could not be read' });
  await expect(notice).toContainText(
    'Muting preferences: defaults are in use, and changes cannot be saved until they are reset.',
  );
  // The apps are still there, unlocked.
  await expect(card(page, DEMO_APP_INPUT.label)).toBeVisible();
  await notice.getByRole('button', { name: 'Reset muting preferences' }).click();
  await expect(notice).toBeHidden();
  const stored = JSON.parse(await storageLocal(extension)) as Record<string, unknown>;
  expect(stored).not.toHaveProperty('settings');
  expect(stored).toHaveProperty('vault');
  await page.reload();
  await expect(card(page, DEMO_APP_INPUT.label)).toBeVisible();
  await expect(page.getByText('Some stored data could not be read')).toBeHidden();
});
