import { test as base, expect, type Page } from '@playwright/test';
import { DEMO_APP, DEMO_USERS, generatedUsers, seedApps } from '../support/demo-seed';
import { startEmulator, type Emulator } from '../support/emulator/server';
import {
  launchWithExtension,
  PRODUCTION_BUILD,
  type LaunchedExtension,
  type LaunchOptions,
} from '../support/browser';

/**
 * Playwright fixtures: one emulator per worker (reset before each test), and a fresh Chromium
 * profile with the production build per test. `launch` starts more browsers when a test needs
 * them (restart, a second profile).
 */
interface Fixtures {
  extension: LaunchedExtension;
  launch: (options?: LaunchOptions) => Promise<LaunchedExtension>;
  buildDir: string;
}

export const test = base.extend<Fixtures, { emulator: Emulator }>({
  emulator: [
    // Playwright reads fixture dependencies from this destructuring, so it must stay empty.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const emulator = await startEmulator({
        apps: seedApps(),
        accounts: [...DEMO_USERS, ...generatedUsers(1000)],
      });
      await use(emulator);
      await emulator.close();
    },
    { scope: 'worker' },
  ],
  buildDir: [PRODUCTION_BUILD, { option: true }],
  launch: async ({ emulator, buildDir }, use) => {
    const launched: LaunchedExtension[] = [];
    await use(async (options = {}) => {
      const ext = await launchWithExtension({
        extensionDir: buildDir,
        emulatorPort: emulator.httpsPort,
        ...options,
      });
      launched.push(ext);
      return ext;
    });
    for (const ext of launched.reverse()) await ext.close().catch(() => {});
  },
  extension: async ({ launch, emulator }, use) => {
    emulator.reset();
    await use(await launch());
  },
});

export { expect };

export const PASSPHRASE = 'correct horse battery staple';

/** Creates the vault from the options page as an operator would. */
export async function createVault(page: Page, passphrase = PASSPHRASE): Promise<void> {
  await page.getByLabel('New passphrase').fill(passphrase);
  await page.getByLabel('Repeat the passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await expect(page.getByRole('heading', { name: 'Add your first app' })).toBeVisible();
}

export interface AppInput {
  label: string;
  environment?: 'Production' | 'Staging' | 'Test';
  region?: string;
  sdkAppId: number;
  adminAccount?: string;
  secretKey: string;
}

export const DEMO_APP_INPUT: AppInput = {
  label: DEMO_APP.label,
  region: 'Singapore',
  sdkAppId: DEMO_APP.sdkAppId,
  secretKey: DEMO_APP.secretKey,
};

/** Fills the profile form (first app or "Add another app") and saves it. */
export async function addApp(page: Page, app: AppInput): Promise<void> {
  const form = page.locator('form.profile-form').last();
  await form.getByLabel('Name').fill(app.label);
  if (app.environment)
    await form.getByLabel('Environment').selectOption({ label: app.environment });
  if (app.region) {
    const select = form.getByLabel('Data centre', { exact: true });
    const value = await select.locator('option', { hasText: app.region }).getAttribute('value');
    await select.selectOption(value ?? '');
  }
  await form.getByLabel('SDKAppID').fill(String(app.sdkAppId));
  if (app.adminAccount) await form.getByLabel('Admin account').fill(app.adminAccount);
  await form.getByLabel('Secret key').fill(app.secretKey);
  await form.getByRole('button', { name: /Add app/ }).click();
  await expect(page.getByRole('listitem', { name: app.label })).toBeVisible();
}

/** A fresh browser at the point where the demo app is set up and the vault unlocked. */
export async function setUpDemoApp(extension: LaunchedExtension): Promise<Page> {
  const page = await extension.openPage('options.html');
  await createVault(page);
  await addApp(page, DEMO_APP_INPUT);
  return page;
}
