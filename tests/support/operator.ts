import type { Page } from 'playwright-core';
import { DEMO_APP, DEMO_PASSPHRASE } from './demo-seed';

/**
 * What an operator does in the options page, step by step through the real UI. Shared by the
 * E2E suite, the demo launcher and the benchmarks, so all three set the product up the same way.
 */

export async function createVault(page: Page, passphrase = DEMO_PASSPHRASE): Promise<void> {
  await page.getByLabel('New passphrase').fill(passphrase);
  await page.getByLabel('Repeat the passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await page.getByRole('heading', { name: 'Add your first app' }).waitFor();
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
  await page.getByRole('listitem', { name: app.label }).waitFor();
}

/** Clicks "Test connection" on an app's card and waits for the verdict. */
export async function testConnection(page: Page, label: string): Promise<string> {
  const card = page.getByRole('listitem', { name: label });
  await card.getByRole('button', { name: 'Test connection' }).click();
  const verdict = card.locator('.connection-result .notice, .test-result .notice').first();
  await verdict.waitFor();
  return verdict.innerText();
}

export interface SiteInput {
  label: string;
  pattern: string;
  kind: 'selector' | 'column';
  selector?: string;
  attribute?: string;
}

/** Adds an admin site in the options page ("Buttons on admin pages" → "Add a site"). */
export async function addSite(options: Page, site: SiteInput): Promise<void> {
  await options.getByRole('button', { name: 'Add a site' }).click();
  await options.getByLabel('Name', { exact: true }).last().fill(site.label);
  await options.getByLabel('Pages (match pattern)').fill(site.pattern);
  if (site.kind === 'column') await options.getByLabel('A table column, by its header').check();
  else {
    await options.getByLabel('CSS selector', { exact: true }).fill(site.selector ?? '');
    if (site.attribute) await options.getByLabel(/^Attribute holding the ID/).fill(site.attribute);
  }
  await options.getByRole('button', { name: 'Save site' }).click();
  await options.getByRole('listitem', { name: site.label, exact: true }).waitFor();
}

/** The toolbar popup in a tab of the popup's own width. */
export async function openPopup(extension: {
  openPage(file: string): Promise<Page>;
}): Promise<Page> {
  const popup = await extension.openPage('popup.html');
  await popup.setViewportSize({ width: 440, height: 900 });
  return popup;
}

/** Clicks a duration chip, as an operator would (the radio inside is visually hidden). */
export async function pickDuration(page: Page, label: string): Promise<void> {
  await page.locator('label.chip', { hasText: label }).click();
}

/** Opens the popup, mutes `userId` for 10 min with the default scopes, and closes it. */
export async function muteForTenMinutes(
  extension: { openPage(file: string): Promise<Page> },
  userId: string,
): Promise<void> {
  const popup = await openPopup(extension);
  await popup.getByLabel('User ID').fill(userId);
  await pickDuration(popup, '10 min');
  await popup.getByRole('button', { name: `Mute ${userId}` }).click();
  await popup.getByText(new RegExp(`^Muted ${userId} for 10 min`)).waitFor();
  await popup.close();
}

export type DeliveryFormatLabel = 'JSON (signed)' | 'Slack' | 'Discord';

/** Options → Audit delivery: the format, the URL and (JSON) the signing key, saved. */
export async function setDeliveryDestination(
  options: Page,
  format: DeliveryFormatLabel,
  url: string,
  secret?: string,
): Promise<void> {
  const section = options.getByRole('region', { name: 'Audit delivery' });
  await section.getByLabel('Format').selectOption({ label: format });
  await section.getByLabel('Destination URL').fill(url);
  if (secret !== undefined) await section.getByLabel('Signing key').fill(secret);
  await section.getByRole('button', { name: 'Save destination' }).click();
  await section.getByText('Saved.').waitFor();
}

/**
 * Popup → Bulk: the IDs entered, the dry run done, Apply clicked. Returns the confirming
 * dialog's Apply button, for the caller to click when it is ready to measure or watch.
 */
export async function prepareBulk(popup: Page, userIds: readonly string[]) {
  const apply = `Apply to ${userIds.length.toLocaleString('en')} users`;
  await popup.getByRole('tab', { name: 'Bulk' }).click();
  await popup.getByLabel('User IDs').fill(userIds.join('\n'));
  await popup.getByRole('button', { name: 'Check them first (dry run)' }).click();
  await popup.getByRole('button', { name: apply }).waitFor({ timeout: 60_000 });
  await popup.getByRole('button', { name: apply }).click();
  return popup.getByRole('alertdialog').getByRole('button', { name: apply });
}
