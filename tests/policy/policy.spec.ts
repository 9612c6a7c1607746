import {
  allowSiteAccess,
  LOOPBACK_BUILD,
  PRODUCTION_BUILD,
  type LaunchedExtension,
} from '../support/browser';
import { RECEIVER_SECRET, startAuditReceiver } from '../support/audit-receiver';
import { removeTestPolicies, unpackedExtensionId, writeTestPolicy } from '../support/policy-files';
import { DEMO_APP } from '../support/demo-seed';
import { createVault, expect, setUpDemoApp, test } from '../e2e/fixtures';
import { openPopup, pickDuration } from '../support/operator';
import { runMenu, runShortcut, selectText } from '../support/worker-handlers';
import { axDisabled, axNames } from '../support/ax';
import { clickPageButton, pageButtonIds } from '../support/button-audit';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';

/**
 * The organisation's policy through a real Chromium policy file: Chromium reads it at start,
 * checks it against the extension's managed_schema and hands it over as storage.managed.
 */
const APP = DEMO_APP.sdkAppId;
const EXTENSION_ID = unpackedExtensionId(PRODUCTION_BUILD);
const PROTECTED = 'Your organisation protects this ID: Mute Console will not mute it.';
const CONSOLE_URL = 'https://console.tencentcloud.com/im';

let fixtures: FixtureServer;
test.beforeAll(async () => {
  removeTestPolicies();
  fixtures = await startFixtureServer();
});
// After the browsers: an open page keeps its connections to the fixture server.
test.afterAll(async () => {
  removeTestPolicies();
  await fixtures.close();
});

/** Writes the policy, or skips the test saying why it could not. */
function usePolicy(policy: Record<string, unknown>, extensionId = EXTENSION_ID): void {
  const problem = writeTestPolicy(extensionId, policy);
  test.skip(problem !== null, `skipped: ${problem}`);
}

async function launchUnderPolicy(
  launch: () => Promise<LaunchedExtension>,
  expectedId = EXTENSION_ID,
) {
  const extension = await launch();
  // The policy names the extension by the ID Chromium derives from its folder.
  expect(extension.extensionId).toBe(expectedId);
  return extension;
}

test('a policy sets the app up, protects IDs on every path, and its rules hold', async ({
  launch,
  emulator,
}) => {
  usePolicy({
    version: 1,
    enforced: ['protectedIds', 'longestMuteSeconds', 'allowPermanentMutes'],
    apps: [
      {
        label: 'Team community',
        sdkAppId: APP,
        endpoint: { kind: 'region', region: 'singapore' },
        environment: 'production',
        adminAccount: DEMO_APP.adminAccount,
      },
    ],
    longestMuteSeconds: 86400,
    allowPermanentMutes: false,
    confirmProduction: true,
    longestAutoLockMinutes: 5,
    allowBackupExport: false,
    protectedIds: ['spammer_*', 'alice'],
    blockedSites: ['console.trtc.io'],
  });
  const extension = await launchUnderPolicy(launch);
  const options = await extension.openPage('options.html');
  await createVault(options);

  // Every managed value, read-only, with what it is.
  const section = options.getByRole('region', { name: 'Set by your organisation' });
  for (const line of [
    'Longest mute1 day',
    'Permanent mutesNot allowed',
    'Ask before every mute on a production appYes',
    'Auto-lock at the latest after5 minutes',
    'Exporting backupsNot allowed',
    'Protected IDs (never muted)spammer_*, alice',
    'Sites where page buttons never appearconsole.trtc.io',
  ])
    await expect(section).toContainText(line);
  await expect(section.getByRole('alert')).toHaveCount(0);

  // The app comes set up: its fields are fixed, only the secret key is asked.
  const form = options.locator('.managed-app form.profile-form');
  await expect(form.getByLabel('Name')).toHaveValue('Team community');
  await expect(form.getByLabel('Name')).toBeDisabled();
  await expect(form.getByLabel('SDKAppID')).toHaveValue(String(APP));
  await form.getByLabel('Secret key').fill(DEMO_APP.secretKey);
  await form.getByRole('button', { name: /Add app/ }).click();
  await options.getByRole('listitem', { name: 'Team community' }).waitFor();
  await expect(section).toContainText('Team community · 1400187352 · Added');

  // Options: the rules in force, the operator's own choices kept underneath.
  await expect(options.locator('#auto-lock')).toHaveValue('5');
  await expect(options.locator('#auto-lock-locked')).toContainText(
    'Set by your organisation. Auto-lock at the latest after: 5 minutes',
  );
  await expect(options.locator('#auto-lock option[value="never"]')).toHaveCount(0);
  await expect(options.getByLabel('Ask before every mute on a production app')).toBeChecked();
  await expect(options.getByLabel('Ask before every mute on a production app')).toBeDisabled();
  await expect(options.getByRole('button', { name: 'Export backup' })).toHaveCount(0);
  await expect(
    options.getByText('Your organisation does not allow exporting backups.'),
  ).toBeVisible();

  // The blocked console host is marked; the others are not.
  await expect(options.getByRole('listitem', { name: 'console.trtc.io' })).toContainText(
    'Blocked by your organisation: no buttons appear here.',
  );
  await expect(
    options.getByRole('listitem', { name: 'console.tencentcloud.com' }),
  ).not.toContainText('Blocked by your organisation');

  // Popup: a protected ID (pattern and exact) is refused before anything is sent.
  const popup = await openPopup(extension);
  for (const userId of ['spammer_01', 'alice']) {
    await popup.getByLabel('User ID').fill(userId);
    await expect(popup.getByText(PROTECTED)).toBeVisible();
    await expect(popup.getByRole('button', { name: `Mute ${userId}` })).toBeDisabled();
  }
  // Presets the policy refuses are not offered; a typed duration over the limit is refused.
  await popup.getByLabel('User ID').fill('bob');
  for (const chip of ['Permanent', '7 days', '30 days'])
    await expect(popup.locator('label.chip', { hasText: chip })).toHaveCount(0);
  await pickDuration(popup, 'Custom');
  await popup.getByLabel('Custom duration, such as 30s, 2h30m or 3d').fill('2d');
  await expect(
    popup.getByText('Your organisation allows mutes of at most 1 day: choose a shorter duration.'),
  ).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Mute bob' })).toBeDisabled();
  // What the policy allows goes through, and the production question is asked, as it sets.
  await pickDuration(popup, '1 hr');
  await popup.getByRole('button', { name: 'Mute bob' }).click();
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText('on the production app Team community (PROD)?');
  await dialog.getByRole('button', { name: 'Yes, mute' }).click();
  await expect.poll(() => emulator.muteState(APP, 'bob').c2c).toBeGreaterThan(3500);

  // Bulk: a protected ID is left out of the list, named; the rest is applied.
  await popup.getByRole('tab', { name: 'Bulk' }).click();
  await popup.getByLabel('User IDs').fill(['spammer_02', 'carol'].join('\n'));
  await pickDuration(popup, '1 day');
  await popup.getByRole('button', { name: 'Check them first (dry run)' }).click();
  await popup.getByText('1 entries were left out (not valid user IDs, or not to be muted)').click();
  await expect(popup.getByRole('listitem').filter({ hasText: 'spammer_02' })).toContainText(
    PROTECTED,
  );
  await popup.getByRole('button', { name: 'Apply to 1 users' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Apply to 1 users' }).click();
  await expect.poll(() => emulator.muteState(APP, 'carol').c2c).toBeGreaterThan(86000);

  // The selection menu: the action window says why, and offers nothing to confirm.
  const opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runMenu(await extension.serviceWorker(), 'mute:preset:3600', 'spammer_01', CONSOLE_URL);
  const window = await opened;
  await expect(window.getByText(PROTECTED)).toBeVisible();
  await expect(window.getByRole('button', { name: 'Mute', exact: true })).toBeDisabled();

  // Nothing protected was ever sent.
  const sent = emulator.requests
    .filter((r) => r.command === 'setnospeaking')
    .map((r) => (r.body as { Set_Account?: string }).Set_Account);
  expect(sent.sort()).toEqual(['bob', 'carol']);
});

test('a partial policy warns, and what it meant to enforce takes its strictest value', async ({
  launch,
  emulator,
}) => {
  usePolicy({
    version: 1,
    // Chromium drops the text "1 day" (not an integer) before the extension sees the policy.
    enforced: ['longestMuteSeconds', 'protectedIds'],
    longestMuteSeconds: '1 day',
    protectedIds: ['*', 'mod_*'],
  });
  const extension = await launchUnderPolicy(launch);
  const options = await setUpDemoApp(extension);
  const warnings = options
    .getByRole('region', { name: 'Set by your organisation' })
    .getByRole('alert');
  await expect(warnings).toContainText(
    '"longestMuteSeconds" is to be enforced but is missing (the browser drops a value that does not fit the schema): its strictest value applies.',
  );
  await expect(warnings).toContainText(
    'The protected-ID pattern "*" would match every ID: it is ignored.',
  );

  // The strictest longest mute: one minute.
  const popup = await openPopup(extension);
  await popup.getByLabel('User ID').fill('dave');
  // No preset fits one minute: only Custom is offered, and a typed 10m is refused.
  await expect(popup.locator('label.chip')).toHaveText(['Custom']);
  await popup.getByLabel('Custom duration, such as 30s, 2h30m or 3d').fill('10m');
  await expect(
    popup.getByText('Your organisation allows mutes of at most 1 min: choose a shorter duration.'),
  ).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Mute dave' })).toBeDisabled();
  // The rest of the protected list still holds.
  await popup.getByLabel('User ID').fill('mod_7');
  await expect(popup.getByText(PROTECTED)).toBeVisible();
  expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(0);
  await popup.close();

  // The lead fixes the policy while the browser runs: Chromium reads the file again and the
  // extension follows, without a restart (an hour is now allowed; the warning is gone).
  usePolicy({ version: 1, enforced: ['longestMuteSeconds'], longestMuteSeconds: 3600 });
  const worker = await extension.serviceWorker();
  await expect
    .poll(
      () =>
        worker.evaluate(() =>
          (
            globalThis as unknown as {
              chrome: { storage: { managed: { get(): Promise<Record<string, unknown>> } } };
            }
          ).chrome.storage.managed.get(),
        ),
      { timeout: 60_000 },
    )
    .toMatchObject({ longestMuteSeconds: 3600 });
  const again = await openPopup(extension);
  await again.getByLabel('User ID').fill('dave');
  await pickDuration(again, '10 min');
  await again.getByRole('button', { name: 'Mute dave' }).click();
  await expect.poll(() => emulator.muteState(APP, 'dave').c2c).toBeGreaterThan(590);
  await options.reload();
  await expect(options.getByRole('region', { name: 'Set by your organisation' })).toContainText(
    'Longest mute1 hr',
  );
  await expect(
    options.getByRole('region', { name: 'Set by your organisation' }).getByRole('alert'),
  ).toHaveCount(0);
});

test('on the console: the popover refuses a protected ID; a blocked console host gets no buttons', async ({
  launch,
  emulator,
}) => {
  usePolicy({
    version: 1,
    protectedIds: ['spammer_*'],
    blockedSites: ['console.tencentcloud.com'],
  });
  const extension = await launchUnderPolicy(() =>
    launch({
      extraHostPorts: {
        'console.cloud.tencent.com': fixtures.httpsPort,
        'console.tencentcloud.com': fixtures.httpsPort,
      },
      viewport: { width: 1366, height: 800 },
    }),
  );
  await setUpDemoApp(extension);
  const page = await extension.context.newPage();
  await page.goto('https://console.cloud.tencent.com/im/account-management');
  await expect.poll(() => pageButtonIds(page)).toContain('spammer_01');

  // The popover opens on the protected ID, says why, and its Mute stays disabled.
  await clickPageButton(page, 'spammer_01');
  await expect.poll(() => axNames(page, 'dialog')).toEqual(['Mute Console: spammer_01']);
  await expect
    .poll(() => axNames(page, 'StaticText', /^Your organisation protects this ID/))
    .toEqual([PROTECTED]);
  expect(await axDisabled(page, 'button', 'Mute spammer_01')).toContain(true);
  await page.keyboard.press('Escape');

  // The same page on a host the policy blocks: no buttons (the allowed one had them).
  const blocked = await extension.context.newPage();
  await blocked.goto('https://console.tencentcloud.com/im/account-management');
  await blocked.waitForTimeout(1500);
  expect(await pageButtonIds(blocked)).toEqual([]);
  expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(0);
});

test.describe('the shortcut', () => {
  // Chromium grants the shortcut's tab to the real key press only; driven from the worker, the
  // selection is read where the build may script: the loopback build's fixture pages.
  test.use({ buildDir: LOOPBACK_BUILD });
  const LOOPBACK_ID = unpackedExtensionId(LOOPBACK_BUILD);

  test('on a selected protected ID: the action window says why and offers no Mute', async ({
    launch,
    emulator,
  }) => {
    usePolicy({ version: 1, protectedIds: ['spammer_*'] }, LOOPBACK_ID);
    const extension = await launchUnderPolicy(launch, LOOPBACK_ID);
    await setUpDemoApp(extension);
    const page = await extension.context.newPage();
    await page.goto(`${fixtures.url}/custom-admin.html`);
    await selectText(page, '#plain');
    const opened = extension.context.waitForEvent('page', { timeout: 15_000 });
    await runShortcut(await extension.serviceWorker(), page);
    const window = await opened;
    await expect(window.getByText(/^Mute spammer_02 ·/)).toBeVisible();
    await expect(window.getByText(PROTECTED)).toBeVisible();
    await expect(window.getByRole('button', { name: 'Mute', exact: true })).toBeDisabled();
    expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(0);
  });
});

test('a policy sets where the audit log goes: the moderator adds only the signing key, and entries arrive', async ({
  launch,
}) => {
  const receiver = await startAuditReceiver();
  try {
    usePolicy({
      version: 1,
      moderatorName: 'mod-night-1',
      auditDestination: { format: 'json', url: 'https://audit.corp.example/audit' },
    });
    const extension = await launchUnderPolicy(() =>
      launch({ extraHostPorts: { 'audit.corp.example': receiver.port } }),
    );
    await allowSiteAccess(extension, 'https://audit.corp.example/*');
    const options = await setUpDemoApp(extension);
    const policySection = options.getByRole('region', { name: 'Set by your organisation' });
    await expect(policySection).toContainText('Audit deliveryJSON (signed) to audit.corp.example');

    // Only the key is the moderator's: no format or URL to change, and nothing goes without it.
    const section = options.getByRole('region', { name: 'Audit delivery' });
    await expect(section).toContainText(
      'Set by your organisation: JSON (signed) to audit.corp.example.',
    );
    await expect(section.getByLabel('Destination URL')).toHaveCount(0);
    await expect(section.getByLabel('Format')).toHaveCount(0);
    await expect(section.locator('#delivery-state')).toContainText(
      'Enter the signing key to start delivering.',
    );
    await expect(section.locator('#delivery-access')).toContainText(
      'Mute Console may not reach audit.corp.example yet',
    );
    // Saving the key asks for the host's access in the same click.
    await section.getByLabel('Signing key').fill(RECEIVER_SECRET);
    await section.getByRole('button', { name: 'Save destination' }).click();
    await expect(section.getByText('Saved.')).toBeVisible();
    await expect(section.locator('#delivery-access')).toHaveCount(0);

    const popup = await openPopup(extension);
    await popup.getByLabel('User ID').fill('bob');
    await pickDuration(popup, '10 min');
    await popup.getByRole('button', { name: 'Mute bob' }).click();
    await expect(popup.getByText(/^Muted bob/)).toBeVisible();
    await expect.poll(() => receiver.acceptedIds().length, { timeout: 15_000 }).toBe(1);
    expect(receiver.accepted('/audit')[0]).toMatchObject({
      entry: { userId: 'bob', moderator: 'mod-night-1', outcome: 'ok' },
    });
  } finally {
    await receiver.close();
  }
});
