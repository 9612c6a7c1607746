import { test as base, expect, type Page } from '@playwright/test';
import { DEMO_PASSPHRASE, DEMO_USERS, generatedUsers, seedApps } from '../support/demo-seed';
import { addApp, createVault, DEMO_APP_INPUT } from '../support/operator';
import { startEmulator, type Emulator } from '../support/emulator/server';
import {
  launchWithExtension,
  PRODUCTION_BUILD,
  type LaunchedExtension,
  type LaunchOptions,
} from '../support/browser';
import { describeAudit, type ButtonAudit } from '../support/button-audit';

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
    // Every test starts from an emulator with no mutes, faults or logged requests.
    emulator.reset();
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
  extension: async ({ launch }, use) => {
    await use(await launch());
  },
});

export { expect };

export const PASSPHRASE = DEMO_PASSPHRASE;
export { addApp, createVault, DEMO_APP_INPUT, type AppInput } from '../support/operator';

/** A fresh browser at the point where the demo app is set up and the vault unlocked. */
export async function setUpDemoApp(extension: LaunchedExtension): Promise<Page> {
  const page = await extension.openPage('options.html');
  await createVault(page);
  await addApp(page, DEMO_APP_INPUT);
  return page;
}

/** Every page button sits beside the ID it names, covers nothing, and every ID in view has one. */
export function expectClean(audit: ButtonAudit, where: string): void {
  const problems = { ...audit, buttons: undefined, inView: undefined };
  expect(problems, `${where}: ${describeAudit(audit)}`).toEqual({
    buttons: undefined,
    inView: undefined,
    wrong: [],
    floating: [],
    missing: [],
    duplicated: [],
    covering: [],
  });
  expect(audit.buttons, `${where}: buttons`).toBeGreaterThanOrEqual(audit.inView.length);
}
