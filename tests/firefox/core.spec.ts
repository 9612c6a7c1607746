import { DEMO_APP } from '../support/demo-seed';
import {
  addApp,
  aria,
  createVault,
  testConnection,
  textOf,
  waitForText,
} from '../support/firefox-operator';
import { DEMO_APP_INPUT } from '../support/operator';
import { expect, test } from './fixtures';

// The production Firefox build in firefox-esr: the first-run path through the real options
// page, the extension's own calls to the Chat API (through the proxy to the emulator), and what
// the operator is told when Firefox withholds the add-on's host access.

const SINGAPORE = 'https://adminapisgp.im.qcloud.com/*';
const hasSingapore = `browser.permissions.contains({ origins: [${JSON.stringify(SINGAPORE)}] })`;
/** The demo key with its last digit changed: a well-formed key that signs wrongly. */
const WRONG_KEY = DEMO_APP.secretKey.slice(0, -1) + (DEMO_APP.secretKey.endsWith('0') ? '1' : '0');

test('first run: create the vault, add apps, Test connection right, with a wrong key and in the wrong region', async ({
  launch,
  emulator,
}) => {
  const firefox = await launch();
  // The extension opens its options page on install; Firefox shows it in the start tab.
  const page = await firefox.waitForPage('options.html');
  await createVault(page);
  await addApp(page, DEMO_APP_INPUT);
  // No promise Firefox cannot keep: its idle API never reports a locked screen.
  await waitForText(page, 'Firefox does not tell extensions when your screen locks');
  expect(await testConnection(page, DEMO_APP.label)).toMatch(
    /Connected in \d+ ms to adminapisgp\.im\.qcloud\.com/,
  );
  expect(emulator.requests.at(-1)).toMatchObject({
    host: 'adminapisgp.im.qcloud.com',
    command: 'account_check',
    sdkAppId: DEMO_APP.sdkAppId,
    errorCode: 0,
  });

  await page.locator(aria('button', 'Add another app')).click();
  await addApp(page, { ...DEMO_APP_INPUT, label: 'Wrong key', secretKey: WRONG_KEY });
  expect(await testConnection(page, 'Wrong key')).toContain(
    'The signature check failed (code 70009)',
  );

  await page.locator(aria('button', 'Add another app')).click();
  await addApp(page, { ...DEMO_APP_INPUT, label: 'Wrong region', region: 'Frankfurt' });
  expect(await testConnection(page, 'Wrong region')).toContain(
    'This app is not in that data centre (code 70016)',
  );

  // Only the apps' region hosts went through the proxy; anything else is refused there.
  expect(new Set(firefox.proxy.requests.filter((r) => r.allowed).map((r) => r.host))).toEqual(
    new Set(['adminapisgp.im.qcloud.com', 'adminapiger.im.qcloud.com']),
  );
  expect(
    await firefox.extensionEval(
      `fetch('https://unmapped.example/').then(() => 'reached', () => 'refused')`,
    ),
  ).toBe('refused');
  expect(await firefox.backgroundEval(hasSingapore)).toBe(true);

  // The catalogue's join patterns use named placeholders ("$first$$second$" in Chinese):
  // Firefox fills them as Chrome does.
  expect(
    await firefox.extensionEval(
      `['join_sentences', 'join_labelled', 'duration_twoUnits', 'app_withId'].map((key) => browser.i18n.getMessage(key, ['A', 'b']))`,
    ),
  ).toEqual(['A b', 'A: b', 'A b', 'A (b)']);

  await firefox.flushConsole();
  expect(firefox.consoleErrors).toEqual([]);
});

test('host access withheld: nothing is sent, the host is named, and Allow access from the click fixes it', async ({
  launch,
  emulator,
}) => {
  const firefox = await launch({ withholdHostAccess: true });
  const page = await firefox.waitForPage('options.html');
  expect(await firefox.backgroundEval(hasSingapore)).toBe(false);

  await createVault(page);
  await addApp(page, DEMO_APP_INPUT);
  // The built-in console site says it has no access yet (its page would get no buttons).
  const consoleSite = await textOf(page, 'li[aria-label="console.cloud.tencent.com"]');
  expect(consoleSite).toContain('no access yet');

  expect(await testConnection(page, DEMO_APP.label)).toBe(
    "Mute Console has no access to adminapisgp.im.qcloud.com. Nothing was sent. Select Allow access and accept the browser's prompt, then try again.Allow access",
  );
  expect(emulator.requests).toEqual([]);

  // The click asks Firefox (which grants without a prompt here), and the test runs again.
  const card = await page.waitForSelector(aria('listitem', DEMO_APP.label));
  await (await card?.waitForSelector(aria('button', 'Allow access')))?.click();
  await textOf(page, '.connection-result .notice', /Connected in \d+ ms/);
  expect(emulator.requests.map((r) => r.command)).toEqual(['account_check']);
  expect(await firefox.backgroundEval(hasSingapore)).toBe(true);

  await firefox.flushConsole();
  expect(firefox.consoleErrors).toEqual([]);
});
