import { DEMO_APP } from '../support/demo-seed';
import { expect, setUpDemoApp, test } from './fixtures';

test('the built extension loads, its worker starts and the popup asks for setup', async ({
  extension,
}) => {
  const worker = await extension.serviceWorker();
  expect(worker.url()).toBe(`chrome-extension://${extension.extensionId}/background.js`);
  const popup = await extension.openPage('popup.html');
  await expect(popup.getByText('Set up Mute Console')).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Open setup' })).toBeVisible();
});

test('a request made through the background reaches the emulator at the real region host with a valid UserSig', async ({
  extension,
  emulator,
}) => {
  const page = await setUpDemoApp(extension);
  const card = page.getByRole('listitem', { name: DEMO_APP.label });
  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(card.getByText(/Connected in \d+ ms to adminapisgp\.im\.qcloud\.com/)).toBeVisible();
  await expect(
    card.getByText(`UserSig used: app ${DEMO_APP.sdkAppId}, admin administrator`),
  ).toBeVisible();

  const request = emulator.requests.at(-1);
  expect(request).toMatchObject({
    host: 'adminapisgp.im.qcloud.com',
    command: 'account_check',
    sdkAppId: DEMO_APP.sdkAppId,
    identifier: 'administrator',
    userSig: { valid: true, identifier: 'administrator', sdkAppId: DEMO_APP.sdkAppId },
    errorCode: 0,
  });
  expect(Number(request?.random)).toBeGreaterThanOrEqual(0);
});
