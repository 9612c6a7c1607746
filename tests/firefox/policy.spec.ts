import { DEMO_APP } from '../support/demo-seed';
import { FIREFOX_ADDON_ID } from '../support/firefox';
import { aria, createVault, field, textOf, waitForText } from '../support/firefox-operator';
import { removeFirefoxTestPolicy, writeFirefoxTestPolicy } from '../support/policy-files';
import { expect, test } from './fixtures';

// The organisation's policy through Firefox's own policies.json (read at start, no schema: what
// Chromium would drop reaches the extension, which has to say so itself).

const PROTECTED = 'Your organisation protects this ID: Mute Console will not mute it.';

test.beforeAll(removeFirefoxTestPolicy);
test.afterAll(removeFirefoxTestPolicy);

test('policies.json sets the app up and the rules; what does not fit is named and taken strictly', async ({
  launch,
  emulator,
}) => {
  const problem = writeFirefoxTestPolicy(FIREFOX_ADDON_ID, {
    version: 1,
    enforced: ['allowPermanentMutes'],
    apps: [
      {
        label: 'Team community',
        sdkAppId: DEMO_APP.sdkAppId,
        endpoint: { kind: 'region', region: 'singapore' },
        environment: 'production',
        adminAccount: DEMO_APP.adminAccount,
      },
    ],
    // Text where a number belongs, and a key nobody knows: Firefox passes both on.
    longestMuteSeconds: '1 day',
    maxMute: 3600,
    protectedIds: ['spammer_*'],
  });
  test.skip(problem !== null, `skipped: ${problem}`);
  const firefox = await launch();
  const options = await firefox.waitForPage('options.html');
  await createVault(options);

  const policy = await textOf(options, 'section[aria-labelledby="policy-title"]');
  expect(policy).toContain(
    '"longestMuteSeconds" is not of the right form: its strictest value applies.',
  );
  expect(policy).toContain('"maxMute" is not a setting Mute Console knows: it is ignored.');
  expect(policy).toContain('"allowPermanentMutes" is to be enforced but is missing');
  expect(policy).toContain('Protected IDs (never muted)\nspammer_*');

  // The app set up by the policy: only its secret key is asked.
  const form = await options.waitForSelector('.managed-app form.profile-form');
  expect(await (await field(form!, 'Name')).evaluate((el) => (el as HTMLInputElement).value)).toBe(
    'Team community',
  );
  await (await field(form!, 'Secret key')).asLocator().fill(DEMO_APP.secretKey);
  await options.locator(aria('button', 'Add app')).click();
  await options.locator('li[aria-label="Team community"]').wait();

  // The popup: a protected ID refused, the strictest longest mute (1 min) applied.
  const popup = await firefox.openPage('popup.html');
  await (await field(popup, 'User ID')).asLocator().fill('spammer_01');
  await waitForText(popup, PROTECTED);
  await (await field(popup, 'User ID')).asLocator().fill('bob');
  // No preset fits one minute (nor is permanent allowed): only Custom is offered.
  expect(await popup.$$eval('label.chip', (chips) => chips.map((c) => c.textContent))).toEqual([
    'Custom',
  ]);
  await (await field(popup, 'Custom duration, such as 30s, 2h30m or 3d')).asLocator().fill('10m');
  await waitForText(
    popup,
    'Your organisation allows mutes of at most 1 min: choose a shorter duration.',
  );
  expect(emulator.requests.filter((r) => r.command === 'setnospeaking')).toHaveLength(0);
});
