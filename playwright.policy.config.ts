import { defineConfig } from '@playwright/test';

// The organisation-policy tests write Chromium's machine-wide policy folder, which every
// Chromium started meanwhile would read: they run on their own, after the main suite
// (`npm run test:e2e`). See tests/support/policy-files.ts.
export default defineConfig({
  testDir: 'tests/policy',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results/policy',
});
