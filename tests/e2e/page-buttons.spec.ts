import type { Page } from '@playwright/test';
import { axClick, axNames } from '../support/ax';
import { DEMO_APP } from '../support/demo-seed';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { expect, setUpDemoApp, test } from './fixtures';

const APP = DEMO_APP.sdkAppId;
let fixtures: FixtureServer;

test.beforeAll(async () => {
  fixtures = await startFixtureServer();
});
test.afterAll(async () => {
  await fixtures.close();
});

const muteButtons = (page: Page) => axNames(page, 'button', /^Mute /);

test('buttons appear next to the UserID column of the console account list, and a real click mutes', async ({
  launch,
  emulator,
}) => {
  const extension = await launch({
    extraHostPorts: { 'console.cloud.tencent.com': fixtures.httpsPort },
  });
  await setUpDemoApp(extension);
  const page = await extension.context.newPage();
  await page.goto('https://console.cloud.tencent.com/im/account-management');
  await expect
    .poll(() => muteButtons(page))
    .toEqual([
      'Mute alice',
      'Mute bob',
      'Mute carol',
      'Mute dave',
      'Mute erin',
      'Mute spammer_01',
      'Mute spammer_02',
      'Mute troll-42',
    ]);
  await axClick(page, 'button', 'Mute spammer_01');
  await expect.poll(() => axNames(page, 'dialog')).toEqual(['Mute Console: spammer_01']);
  await page.keyboard.press('1');
  await page.screenshot({ path: 'test-results/popover.png' });
  await page.keyboard.press('Enter');
  await expect.poll(() => emulator.muteState(APP, 'spammer_01').c2c).toBeGreaterThan(590);
  expect(emulator.muteState(APP, 'spammer_01').c2c).toBeLessThanOrEqual(600);
});
