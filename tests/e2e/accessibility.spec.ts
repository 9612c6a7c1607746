import type { Page } from '@playwright/test';
import { LOOPBACK_BUILD } from '../support/browser';
import { axeInBothSchemes } from '../support/axe';
import { runMenu } from '../support/worker-handlers';
import { expect, PASSPHRASE, setUpDemoApp, test } from './fixtures';
import { muteForTenMinutes, openPopup } from '../support/operator';

/**
 * axe-core (WCAG 2.x A and AA), light and dark, on every surface an operator meets: the popup
 * (each tab, locked and unlocked), the options page, the action window, and the page UI. The
 * page buttons and the popover live in closed shadow roots on real pages, which axe cannot
 * enter: the test build's harness (entrypoints/ui-harness) draws the same components in open
 * ones. The test build is the production build plus loopback access and that harness.
 */
test.use({ buildDir: LOOPBACK_BUILD });

async function expectNoViolations(page: Page, where: string): Promise<void> {
  expect(await axeInBothSchemes(page, where)).toEqual([]);
}

test('the popup: first run, locked, and every tab unlocked', async ({ extension }) => {
  const first = await openPopup(extension);
  await first.getByRole('button', { name: 'Open setup' }).waitFor();
  await expectNoViolations(first, 'popup before setup');
  await first.close();

  const options = await setUpDemoApp(extension);
  await muteForTenMinutes(extension, 'spammer_01');
  await options.getByRole('button', { name: 'Lock' }).click();
  const popup = await openPopup(extension);
  await popup.getByLabel('Passphrase', { exact: true }).waitFor();
  await expectNoViolations(popup, 'popup locked');

  await popup.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await popup.getByRole('button', { name: 'Unlock' }).click();
  await popup.getByLabel('User ID').fill('spammer_01');
  await popup.locator('#mute-state[data-state="known"]').waitFor();
  await expectNoViolations(popup, 'popup Mute tab');
  await popup.getByRole('button', { name: 'Unmute' }).click();
  await popup.getByText(/^Unmuted spammer_01/).waitFor();
  await expectNoViolations(popup, 'popup Mute tab with a result');

  await popup.getByRole('tab', { name: /Active/ }).click();
  await popup.getByRole('button', { name: /Refresh/ }).waitFor();
  await expectNoViolations(popup, 'popup Active tab');

  await popup.getByRole('tab', { name: 'Bulk' }).click();
  await expectNoViolations(popup, 'popup Bulk tab');
  await popup.getByLabel('User IDs').fill('alice\nbob\nnobody_here');
  await popup.getByRole('button', { name: 'Check them first (dry run)' }).click();
  await popup.getByRole('button', { name: /^Apply to/ }).waitFor();
  await expectNoViolations(popup, 'popup Bulk tab after its dry run');
});

test('the options page: setup, then every section with an app, and locked', async ({
  extension,
}) => {
  const setup = await extension.openPage('options.html');
  await setup.getByLabel('New passphrase').waitFor();
  await expectNoViolations(setup, 'options at setup');
  await setup.close();

  const options = await setUpDemoApp(extension);
  await options.getByRole('region', { name: 'Audit delivery' }).waitFor();
  await expectNoViolations(options, 'options with an app');
  await options.getByRole('button', { name: 'Lock' }).click();
  await options.getByLabel('Passphrase', { exact: true }).waitFor();
  await expectNoViolations(options, 'options locked');
});

test('the action window', async ({ extension }) => {
  await setUpDemoApp(extension);
  const worker = await extension.serviceWorker();
  const opened = extension.context.waitForEvent('page', { timeout: 15_000 });
  await runMenu(worker, 'mute:custom', 'erin', 'http://127.0.0.1/admin.html');
  const window = await opened;
  await window.getByText(/^Mute erin ·/).waitFor();
  await expectNoViolations(window, 'action window');
});

test('the page buttons and the popover (in the harness)', async ({ extension }) => {
  for (const show of ['buttons', 'popover', 'popover-locked']) {
    const page = await extension.openPage(`ui-harness.html?show=${show}`);
    // Drawn: the buttons' layer, or the popover's form (in the harness's open shadow roots).
    await page.waitForFunction(() =>
      [...document.querySelectorAll('mute-console-buttons, body > div')].some((host) =>
        Boolean(host.shadowRoot?.querySelector('button')),
      ),
    );
    await expectNoViolations(page, `page UI: ${show}`);
    await page.close();
  }
});
