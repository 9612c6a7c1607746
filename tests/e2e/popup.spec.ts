import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { DEMO_APP, SECOND_APP, generatedUsers } from '../support/demo-seed';
import { PERMANENT } from '../support/emulator/server';
import { stopServiceWorker, type LaunchedExtension } from '../support/browser';
import { expect, setUpDemoApp, test } from './fixtures';
import { addApp, openPopup, pickDuration } from '../support/operator';
import { runMenu } from '../support/worker-handlers';

const APP = DEMO_APP.sdkAppId;

async function enterUser(popup: Page, userId: string, expectedState: string | RegExp) {
  await popup.getByLabel('User ID').fill(userId);
  await expect(popup.locator('#mute-state')).toHaveText(expectedState);
}

async function badgeText(extension: LaunchedExtension): Promise<string> {
  const worker = await extension.serviceWorker();
  return worker.evaluate(() =>
    (
      globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } }
    ).chrome.action.getBadgeText({}),
  );
}

test('mute from the popup: the emulator has the user muted in the chosen scope for the preset', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  const popup = await openPopup(extension);
  await expect(popup.getByText(DEMO_APP.label)).toBeVisible();
  await expect(popup.getByText('PROD')).toBeVisible();
  await enterUser(popup, 'alice', 'Not muted');
  await pickDuration(popup, '10 min');
  await popup.getByLabel('Group').uncheck();
  await popup.getByLabel('Reason (optional, for the audit log)').fill('spam links');
  await popup.getByRole('button', { name: 'Mute alice' }).click();
  await expect(
    popup.getByRole('status').filter({ hasText: 'Muted alice for 10 min (one-to-one only)' }),
  ).toBeVisible();
  // Focus moved to the result, Undo next to it.
  await expect(popup.locator(':focus')).toContainText('Muted alice for 10 min (one-to-one only)');
  await popup.keyboard.press('Tab');
  await expect(
    popup.getByRole('button', { name: "Undo: restore alice's previous state" }),
  ).toBeFocused();
  const state = emulator.muteState(APP, 'alice');
  expect(state.c2c).toBeGreaterThanOrEqual(595);
  expect(state.c2c).toBeLessThanOrEqual(600);
  expect(state.group).toBe(0);
  await expect(popup.locator('#mute-state')).toHaveText(
    /One-to-one: muted, 10 min left · Group: not muted|One-to-one: muted, 9 min \d+ sec left/,
  );
  await expect.poll(() => badgeText(extension)).toBe('1');
});

test('the popup asks before it shortens a permanent mute, and Undo restores it', async ({
  extension,
  emulator,
}) => {
  emulator.setMute(APP, 'bob', { c2c: PERMANENT, group: 7 * 86400 });
  await setUpDemoApp(extension);
  const popup = await openPopup(extension);
  await enterUser(popup, 'bob', /One-to-one: muted permanently · Group: muted, (7 days|6 days)/);
  await pickDuration(popup, '10 min');
  await expect(popup.getByText('This is shorter than the mute already in place')).toBeVisible();
  await popup.getByRole('button', { name: 'Mute bob' }).click();
  // Shortening asks, with the exact before → after per scope; nothing is sent before the yes.
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText(
    /^Shorten bob's mute on Demo community \(PROD\)\? One-to-one: Permanent → 10 min · Group: (7 days|6 days[^→]*) → 10 min/,
  );
  expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toEqual([]);
  await dialog.getByRole('button', { name: 'Yes, shorten it' }).click();
  await expect(popup.getByText(/Muted bob for 10 min/)).toBeVisible();
  expect(emulator.muteState(APP, 'bob').c2c).toBeLessThanOrEqual(600);
  await popup.getByRole('button', { name: "Undo: restore bob's previous state" }).click();
  await expect(popup.getByText(/Restored bob's previous state/)).toBeVisible();
  const restored = emulator.muteState(APP, 'bob');
  expect(restored.c2c).toBe(PERMANENT);
  expect(restored.group).toBeGreaterThan(7 * 86400 - 60);
});

test('permanent mutes ask first, naming the user and the app; the admin account is refused', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  const popup = await openPopup(extension);
  await enterUser(popup, 'troll-42', 'Not muted');
  await pickDuration(popup, 'Permanent');
  await popup.keyboard.press('Enter');
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText('Mute troll-42 permanently on Demo community (PROD)?');
  expect(emulator.muteState(APP, 'troll-42').c2c).toBe(0);
  await dialog.getByRole('button', { name: 'Yes, mute' }).click();
  await expect(popup.getByText('Muted troll-42 permanently (one-to-one and group).')).toBeVisible();
  expect(emulator.muteState(APP, 'troll-42')).toEqual({ c2c: PERMANENT, group: PERMANENT });

  await popup.getByLabel('User ID').fill('administrator');
  await expect(
    popup.getByText("That is this app's admin account: Mute Console will not mute it."),
  ).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Mute administrator' })).toBeDisabled();
});

test('network trouble shows retry progress, then a clear failure, and the form keeps its input', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  const popup = await openPopup(extension);
  await enterUser(popup, 'dave', 'Not muted');
  emulator.injectFault({ fault: { kind: 'http-502' }, command: 'setnospeaking', times: 3 });
  await popup.getByRole('button', { name: 'Mute dave' }).click();
  await expect(
    popup.getByText(/Network trouble: trying again \(attempt [23] of 3\)/),
  ).toBeVisible();
  await expect(popup.getByText('The Chat API answered with HTTP status 502.')).toBeVisible();
  await expect(popup.getByLabel('User ID')).toHaveValue('dave');
  expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(3);
});

test('quick unmute from the active list', async ({ extension, emulator }) => {
  await setUpDemoApp(extension);
  const popup = await openPopup(extension);
  await enterUser(popup, 'carol', 'Not muted');
  await popup.getByRole('button', { name: 'Mute carol' }).click();
  await expect(popup.getByText(/Muted carol/)).toBeVisible();
  await popup.getByRole('tab', { name: 'Active (1)' }).click();
  const entry = popup.getByRole('listitem', { name: 'carol' });
  await expect(entry).toContainText(/One-to-one and group: muted, (1 hr|59 min)/);
  await entry.getByRole('button', { name: 'Unmute carol' }).click();
  await expect(popup.getByText('Unmuted carol.')).toBeVisible();
  await expect(popup.getByRole('listitem', { name: 'carol' })).toHaveCount(0);
  expect(emulator.muteState(APP, 'carol')).toEqual({ c2c: 0, group: 0 });
  await expect(popup.getByRole('tab', { name: 'Active (0)' })).toBeVisible();
  await expect.poll(() => badgeText(extension)).toBe('');
});

test('bulk asks once, from its dry run, whether to shorten the mutes already longer: skipped by default', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  emulator.setMute(APP, 'bob', { c2c: PERMANENT, group: PERMANENT });
  emulator.setMute(APP, 'carol', { group: 30 * 86400 });
  const popup = await openPopup(extension);
  await popup.getByRole('tab', { name: 'Bulk' }).click();
  await popup.getByLabel('User IDs').fill(['alice', 'bob', 'carol', 'dave'].join('\n'));
  await pickDuration(popup, '1 day');
  await popup.getByRole('button', { name: 'Check them first (dry run)' }).click();
  const longer = popup.getByRole('group', {
    name: '2 of 4 are muted for longer already: this mute would end theirs sooner.',
  });
  await expect(longer).toBeVisible();
  await expect(longer.getByLabel('Skip them (keep their longer mute)')).toBeChecked();
  await popup.getByRole('button', { name: 'Apply to 2 users' }).click();
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText(
    'Mute 4 users for 1 day on Demo community (PROD)? 2 muted for longer will be skipped.',
  );
  await dialog.getByRole('button', { name: 'Apply to 2 users' }).click();
  await expect(popup.getByText('2 skipped: muted for longer already.')).toBeVisible();
  expect(emulator.muteState(APP, 'bob')).toEqual({ c2c: PERMANENT, group: PERMANENT });
  expect(emulator.muteState(APP, 'carol').group).toBeGreaterThan(30 * 86400 - 60);
  expect(emulator.muteState(APP, 'alice').c2c).toBeGreaterThan(86390);
  // Only the two not muted for longer were sent.
  expect(
    emulator.requests
      .filter((r) => r.command === 'setnospeaking')
      .map((r) => (r.body as { Set_Account?: string }).Set_Account)
      .sort(),
  ).toEqual(['alice', 'dave']);
});

test('switching apps in the popup changes the popup only; Make default is its own action', async ({
  extension,
  emulator,
}) => {
  const options = await setUpDemoApp(extension);
  await options.getByRole('button', { name: 'Add another app' }).click();
  await addApp(options, {
    label: SECOND_APP.label,
    region: 'Frankfurt',
    sdkAppId: SECOND_APP.sdkAppId,
    secretKey: SECOND_APP.secretKey,
  });
  let popup = await openPopup(extension);
  const switcher = popup.getByLabel('App', { exact: true });
  await expect(switcher.locator('option:checked')).toHaveText(
    'Demo community (1400187352) · default',
  );
  await expect(popup.getByRole('button', { name: 'Make default' })).toHaveCount(0);
  await switcher.selectOption({ label: `${SECOND_APP.label} (${SECOND_APP.sdkAppId})` });
  await expect(popup.getByRole('button', { name: 'Make default' })).toBeVisible();
  await popup.close();

  // The selection menu still acts on the default app.
  const worker = await extension.serviceWorker();
  await runMenu(worker, 'mute:preset:600', 'alice', 'https://example.com/');
  await expect.poll(() => emulator.muteState(APP, 'alice').c2c).toBeGreaterThan(590);
  expect(emulator.muteState(SECOND_APP.sdkAppId, 'alice')).toEqual({ c2c: 0, group: 0 });

  // The popup opens on the app it was switched to; Make default moves the default there.
  popup = await openPopup(extension);
  await expect(popup.getByLabel('App', { exact: true }).locator('option:checked')).toHaveText(
    `${SECOND_APP.label} (${SECOND_APP.sdkAppId})`,
  );
  await popup.getByRole('button', { name: 'Make default' }).click();
  await expect(popup.getByLabel('App', { exact: true }).locator('option:checked')).toHaveText(
    `${SECOND_APP.label} (${SECOND_APP.sdkAppId}) · default`,
  );
  await expect(popup.getByRole('button', { name: 'Make default' })).toHaveCount(0);
  await runMenu(worker, 'mute:preset:600', 'bob', 'https://example.com/');
  await expect.poll(() => emulator.muteState(SECOND_APP.sdkAppId, 'bob').c2c).toBeGreaterThan(590);
});

test('a bulk list on several lines is one ID per line: an ID with a space or a comma is one user', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  emulator.addAccounts(['john smith', 'smith', 'a,b']);
  const popup = await openPopup(extension);
  await popup.getByRole('tab', { name: 'Bulk' }).click();
  await popup.getByLabel('User IDs').fill('john smith\r\na,b\n\n  bob  ');
  await pickDuration(popup, '10 min');
  await popup.getByRole('button', { name: 'Check them first (dry run)' }).click();
  await popup.getByRole('button', { name: 'Apply to 3 users' }).waitFor();
  // The parsed list, as it will be sent, before anything is applied.
  await expect(popup.locator('.bulk-table tbody code')).toHaveText(['john smith', 'a,b', 'bob']);
  await popup.getByRole('button', { name: 'Apply to 3 users' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Apply to 3 users' }).click();
  await expect(popup.getByText('Finished: 3 done, 0 failed.')).toBeVisible();
  expect(
    emulator.requests
      .filter((r) => r.command === 'setnospeaking')
      .map((r) => (r.body as { Set_Account?: string }).Set_Account)
      .sort(),
  ).toEqual(['a,b', 'bob', 'john smith']);
  // "smith" exists too, and was never touched.
  expect(emulator.muteState(APP, 'smith')).toEqual({ c2c: 0, group: 0 });
});

test('a 500-user bulk run stays under the rate limit, survives a worker restart and retries a failure', async ({
  extension,
  emulator,
}) => {
  await setUpDemoApp(extension);
  const popup = await openPopup(extension);
  await popup.getByRole('tab', { name: 'Bulk' }).click();
  const users = generatedUsers(500);
  await popup.getByLabel('User IDs').fill(users.join('\n'));
  await pickDuration(popup, '1 day');
  await popup.getByRole('button', { name: 'Check them first (dry run)' }).click();
  await expect(popup.getByRole('button', { name: 'Apply to 500 users' })).toBeVisible({
    timeout: 20_000,
  });
  await expect(popup.getByRole('row', { name: /user_0001 Not muted/ })).toBeVisible();

  emulator.reset();
  emulator.injectFault({
    fault: { kind: 'error-code', code: 130014 },
    userId: 'user_0250',
    times: 3,
  });
  await popup.getByRole('button', { name: 'Apply to 500 users' }).click();
  await expect(popup.getByRole('alertdialog')).toContainText(
    'Mute 500 users for 1 day on Demo community (PROD)?',
  );
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Apply to 500 users' }).click();
  await expect.poll(() => emulator.requests.length, { timeout: 10_000 }).toBeGreaterThan(60);
  const restarted = await stopServiceWorker(extension, popup);
  await expect(popup.getByText(/Finished: 499 done, 1 failed\./)).toBeVisible({ timeout: 30_000 });
  expect(await restarted()).toBe(true);
  await expect(
    popup.getByRole('row', {
      name: /user_0250 Tencent Cloud Chat had a temporary problem \(code 130014\)/,
    }),
  ).toBeVisible();

  await popup.getByRole('button', { name: 'Retry the 1 failed' }).click();
  await expect(popup.getByText('Finished: 500 done, 0 failed.')).toBeVisible({ timeout: 20_000 });
  expect(emulator.peakPerSecond(APP)).toBeLessThanOrEqual(200);
  for (const user of ['user_0001', 'user_0250', 'user_0500']) {
    expect(emulator.muteState(APP, user).group).toBeGreaterThan(86000);
  }
});

test('the audit log lists every action and exports it as CSV and JSON', async ({ extension }) => {
  const options = await setUpDemoApp(extension);
  const popup = await openPopup(extension);
  await enterUser(popup, 'erin', 'Not muted');
  await popup.getByLabel('Reason (optional, for the audit log)').fill('raid, "coordinated"');
  await popup.getByRole('button', { name: 'Mute erin' }).click();
  await expect(popup.getByText(/Muted erin/)).toBeVisible();
  await popup.getByRole('button', { name: 'Unmute' }).click();
  await expect(popup.getByText('Unmuted erin (one-to-one and group).')).toBeVisible();

  await options.reload();
  const audit = options.getByRole('region', { name: 'Audit log' });
  await expect(audit.getByText('2 entries')).toBeVisible();
  await audit.getByLabel('Search by user ID').fill('nobody');
  await expect(audit.getByText('0 entries')).toBeVisible();
  await audit.getByLabel('Search by user ID').fill('eri');
  await expect(audit.getByRole('row', { name: /erin Mute, 1 hr/ })).toBeVisible();

  const csvDownload = options.waitForEvent('download');
  await audit.getByRole('button', { name: 'Export CSV' }).click();
  const bytes = readFileSync(await (await csvDownload).path());
  // A UTF-8 byte order mark first, so Excel reads Chinese and Japanese reasons as written.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const csv = bytes.subarray(3).toString('utf8').split('\r\n');
  expect(csv[0]).toBe(
    'time,moderator,app,sdkAppId,environment,userId,action,scopes,previousC2c,previousGroup,nextC2c,nextGroup,seconds,reason,source,pageUrl,outcome,errorCode,resolvedAt',
  );
  expect(csv[1]).toMatch(
    /^\d{4}-\d\d-\d\dT[\d:.]+Z,,Demo community,1400187352,production,erin,mute,c2c\+group,none,none,until [^,]+,until [^,]+,3600,"raid, ""coordinated""",popup,,ok,,$/,
  );
  expect(csv[2]).toMatch(
    /,erin,unmute,c2c\+group,until [^,]+,until [^,]+,none,none,0,"raid, ""coordinated""",popup,,ok,,$/,
  );

  const jsonDownload = options.waitForEvent('download');
  await audit.getByRole('button', { name: 'Export JSON' }).click();
  const json = JSON.parse(readFileSync(await (await jsonDownload).path(), 'utf8')) as {
    entries: Array<{ userId: string; action: string }>;
  };
  expect(json.entries.map((e) => [e.userId, e.action])).toEqual([
    ['erin', 'mute'],
    ['erin', 'unmute'],
  ]);
});

test('each user starts afresh: the last one’s reason, result and Undo go with their ID; no false "shorter" warning', async ({
  extension,
}) => {
  await setUpDemoApp(extension);
  const popup = await openPopup(extension);
  await enterUser(popup, 'bob', 'Not muted');
  await pickDuration(popup, '1 hr');
  await popup.getByLabel('Reason (optional, for the audit log)').fill('spam links');
  // Any moment the "shorter" warning shows, however brief, is recorded.
  await popup.evaluate(() => {
    const seen = window as unknown as { sawShorter: boolean };
    seen.sawShorter = false;
    new MutationObserver(() => {
      if (document.body.innerText.includes('shorter than the mute already in place'))
        seen.sawShorter = true;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await popup.getByRole('button', { name: 'Mute bob' }).click();
  await expect(popup.getByText(/^Muted bob for 1 hr/)).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Undo' })).toBeVisible();
  // The same duration right after the mute is not "shorter" than the mute it just set, whatever
  // the popup's one-second clock read: watched past its next tick.
  await popup.waitForTimeout(1500);
  expect(
    await popup.evaluate(() => (window as unknown as { sawShorter: boolean }).sawShorter),
  ).toBe(false);

  await enterUser(popup, 'carol', 'Not muted');
  await expect(popup.getByLabel('Reason (optional, for the audit log)')).toHaveValue('');
  await expect(popup.getByText(/Muted bob/)).toHaveCount(0);
  await expect(popup.getByRole('button', { name: 'Undo' })).toHaveCount(0);
  // Back to bob: nothing of carol's, and bob's mute read from the server.
  await enterUser(popup, 'bob', /One-to-one and group: muted, 59 min/);
});
