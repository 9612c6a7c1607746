import { defineConfig } from '@playwright/test';

// The Firefox build in Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi from
// Playwright's test runner; `npm run test:firefox` builds first. See tests/support/firefox.ts.
// Its own output folder: Playwright empties outputDir when a run starts, and the Chromium suite
// owns test-results/.
export default defineConfig({
  testDir: 'tests/firefox',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results/firefox',
});
