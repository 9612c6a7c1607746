import type { Page } from '@playwright/test';
import { DEMO_APP } from '../support/demo-seed';
import { LOOPBACK_BUILD } from '../support/browser';
import { createVault, expect, test } from './fixtures';

async function addCustomEndpointApp(page: Page, baseUrl: string) {
  const form = page.locator('form.profile-form').last();
  await form.getByLabel('Name').fill('Through a proxy');
  await form.getByRole('radio', { name: 'A custom endpoint (company proxy)' }).check();
  await form.getByLabel('Endpoint URL').fill(baseUrl);
  await form.getByLabel('SDKAppID').fill(String(DEMO_APP.sdkAppId));
  await form.getByLabel('Secret key').fill(DEMO_APP.secretKey);
  await form.getByRole('button', { name: 'Add app' }).click();
}

test('the production build refuses a plain-http endpoint', async ({ extension, emulator }) => {
  const page = await extension.openPage('options.html');
  await createVault(page);
  await addCustomEndpointApp(page, emulator.httpUrl);
  await expect(page.getByText('Use an https:// address.')).toBeVisible();
  await expect(page.getByRole('listitem', { name: 'Through a proxy' })).toHaveCount(0);
});

test.describe('the loopback (demo and test) build', () => {
  test.use({ buildDir: LOOPBACK_BUILD });

  test('reaches a custom endpoint on loopback over http, without a prompt', async ({
    extension,
    emulator,
  }) => {
    const page = await extension.openPage('options.html');
    await createVault(page);
    await addCustomEndpointApp(page, `${emulator.httpUrl}/`);
    const card = page.getByRole('listitem', { name: 'Through a proxy' });
    await expect(
      card.getByText(`SDKAppID ${DEMO_APP.sdkAppId} · admin administrator · ${emulator.httpUrl}`),
    ).toBeVisible();
    await card.getByRole('button', { name: 'Test connection' }).click();
    await expect(card.getByText(`Connected in`)).toBeVisible();
    expect(emulator.requests.at(-1)).toMatchObject({
      host: '127.0.0.1',
      userSig: { valid: true },
      errorCode: 0,
    });
  });
});
