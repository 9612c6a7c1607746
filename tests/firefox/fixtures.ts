import { test as base, expect } from '@playwright/test';
import { DEMO_USERS, generatedUsers, seedApps } from '../support/demo-seed';
import { startEmulator, type Emulator } from '../support/emulator/server';
import {
  FIREFOX_BUILD,
  launchFirefox,
  type FirefoxLaunchOptions,
  type LaunchedFirefox,
} from '../support/firefox';

/**
 * Playwright fixtures for the Firefox suite: one emulator per worker (reset before each test),
 * and `launch` for a fresh firefox-esr profile with the Firefox build installed, closed after
 * the test. Playwright's own browser fixtures (page, context) are not used: puppeteer-core
 * drives Firefox (tests/support/firefox.ts).
 */
interface Fixtures {
  launch: (options?: FirefoxLaunchOptions) => Promise<LaunchedFirefox>;
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
  buildDir: [FIREFOX_BUILD, { option: true }],
  launch: async ({ emulator, buildDir }, use, testInfo) => {
    emulator.reset();
    const launched: LaunchedFirefox[] = [];
    await use(async (options = {}) => {
      const firefox = await launchFirefox({
        extensionDir: buildDir,
        emulatorPort: emulator.httpsPort,
        ...options,
      });
      launched.push(firefox);
      return firefox;
    });
    for (const firefox of launched.reverse()) {
      await firefox.close();
      const { launchMs, installMs, closeMs } = firefox.timings;
      console.log(
        `firefox-esr: started in ${launchMs} ms, add-on installed in ${installMs} ms, closed in ${closeMs} ms`,
      );
      if (testInfo.status !== testInfo.expectedStatus) {
        // What Firefox printed and asked for: most failures here are explained by one of these.
        await testInfo.attach('firefox console', {
          body: firefox.consoleMessages
            .map((m) => `${m.kind} ${m.level}: ${m.text}${m.url ? ` (${m.url}:${m.line})` : ''}`)
            .join('\n'),
          contentType: 'text/plain',
        });
        await testInfo.attach('proxy requests', {
          body: firefox.proxy.requests
            .map((r) => `${r.method} ${r.host}:${r.port} ${r.allowed ? 'tunnelled' : 'refused'}`)
            .join('\n'),
          contentType: 'text/plain',
        });
      }
    }
  },
});

export { expect };
