import type { ElementHandle, Page } from 'puppeteer-core';
import { DEMO_PASSPHRASE } from './demo-seed';
import type { AppInput, DeliveryFormatLabel } from './operator';

/**
 * tests/support/operator.ts for puppeteer (the Firefox harness, tests/support/firefox.ts): the
 * same steps through the real options page, found the same way, by accessible role and name.
 * `::-p-aria(…)` matches the accessible name exactly (Playwright's getByLabel matches a part),
 * through BiDi `browsingContext.locateNodes`, which works in extension tabs.
 */

/** `::-p-aria` selector for a role and an exact accessible name. */
export function aria(role: string, name: string): string {
  return `::-p-aria([role=${JSON.stringify(role)}][name=${JSON.stringify(name)}])`;
}

async function required<T extends Element>(
  handle: ElementHandle<T> | null,
  what: string,
): Promise<ElementHandle<T>> {
  if (!handle) throw new Error(`not found: ${what}`);
  return handle;
}

/**
 * The form control labelled `label` under `root`, waiting for it. By accessible name, like
 * getByLabel; the role is left out because Firefox gives password inputs none that BiDi
 * matches (`[role="textbox"]` finds no password field), and a <label> has the same name.
 */
export async function field(
  root: Page | ElementHandle<Element>,
  label: string,
  timeout = 10_000,
): Promise<ElementHandle<Element>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const candidate of await root.$$(`::-p-aria([name=${JSON.stringify(label)}])`)) {
      if (await candidate.evaluate((el) => el.matches('input, select, textarea'))) return candidate;
      await candidate.dispose();
    }
    if (Date.now() > deadline) throw new Error(`no field labelled "${label}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Clears a field and types `value` into it (puppeteer's Locator.fill: keyboard input). */
async function fill(input: ElementHandle<Element>, value: string): Promise<void> {
  await input.asLocator().fill(value);
}

export async function createVault(page: Page, passphrase = DEMO_PASSPHRASE): Promise<void> {
  await fill(await field(page, 'New passphrase'), passphrase);
  await fill(await field(page, 'Repeat the passphrase'), passphrase);
  await page.locator(aria('button', 'Create vault')).click();
  await page.locator(aria('heading', 'Add your first app')).wait();
}

/** Fills the profile form (first app or "Add another app") and saves it. */
export async function addApp(page: Page, app: AppInput): Promise<void> {
  await page.waitForSelector('form.profile-form');
  const form = await required((await page.$$('form.profile-form')).at(-1) ?? null, 'app form');

  await fill(await field(form, 'Name'), app.label);
  if (app.environment) await selectByText(await field(form, 'Environment'), app.environment);
  if (app.region) await selectByText(await field(form, 'Data centre'), app.region);
  await fill(await field(form, 'SDKAppID'), String(app.sdkAppId));
  if (app.adminAccount) await fill(await field(form, 'Admin account'), app.adminAccount);
  await fill(await field(form, 'Secret key'), app.secretKey);
  await (await required(await form.waitForSelector(aria('button', 'Add app')), 'Add app')).click();
  await page.locator(aria('listitem', app.label)).wait();
}

/** Picks the option whose text contains `text`, as Playwright's selectOption({ label }) does. */
export async function selectByText(select: ElementHandle, text: string): Promise<void> {
  const value = await select.evaluate(
    (el, wanted) =>
      [...(el as HTMLSelectElement).options].find((o) => o.text.includes(wanted))?.value ?? null,
    text,
  );
  if (value === null) throw new Error(`no option "${text}"`);
  await select.select(value);
}

/** Clicks "Test connection" on an app's card and returns the verdict's text. */
export async function testConnection(page: Page, label: string): Promise<string> {
  const card = await required(await page.waitForSelector(aria('listitem', label)), label);
  await (
    await required(await card.$(aria('button', 'Test connection')), 'Test connection')
  ).click();
  const verdict = await required(
    await card.waitForSelector('.connection-result .notice, .test-result .notice', {
      timeout: 20_000,
    }),
    'connection verdict',
  );
  return verdict.evaluate((el) => (el as HTMLElement).innerText);
}

/** The text of the first element matching `selector`, waiting for it (and for `text` in it). */
export async function textOf(page: Page, selector: string, text?: RegExp): Promise<string> {
  const handle = await page.waitForFunction(
    (sel: string, source: string | null) => {
      const el = document.querySelector<HTMLElement>(sel);
      if (!el) return null;
      return source === null || new RegExp(source).test(el.innerText) ? el.innerText : null;
    },
    { timeout: 20_000 },
    selector,
    text?.source ?? null,
  );
  return (await handle.jsonValue()) as string;
}

/** Waits until the page shows `text` somewhere in its body. */
export async function waitForText(page: Page, text: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction((t: string) => document.body.innerText.includes(t), { timeout }, text);
}

/**
 * Where the page button for `userId` is, in viewport pixels: page buttons live in a closed
 * shadow root no driver sees into, so the point is found the way an eye would: along the line
 * of the ID's text, right of it, the first point the button layer's host covers. Null when the
 * ID shows no button.
 */
export async function pageButtonPoint(
  page: Page,
  userId: string,
): Promise<{ x: number; y: number } | null> {
  return page.evaluate((id: string) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.textContent?.trim() !== id) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const text = range.getBoundingClientRect();
      const y = text.top + text.height / 2;
      for (let x = Math.ceil(text.right) + 1; x < text.right + 200; x++) {
        if (document.elementFromPoint(x, y)?.localName === 'mute-console-buttons')
          return { x: x + 6, y };
      }
    }
    return null;
  }, userId);
}

/** Whether a popover is open on the page (its host element, in a closed shadow root). */
export async function popoverOpen(page: Page): Promise<boolean> {
  return page.evaluate(() => document.querySelector('mute-console-popover') !== null);
}

/** Clicks a duration chip, as an operator would (the radio inside is visually hidden). */
export async function pickDuration(page: Page, label: string): Promise<void> {
  for (const chip of await page.$$('label.chip')) {
    if ((await chip.evaluate((el) => el.textContent ?? '')).includes(label)) return chip.click();
  }
  throw new Error(`no duration chip "${label}"`);
}

/** Polls `check` (in Node: the emulator, the proxy) every 20 ms until it holds. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Options → Audit delivery: the format, the URL and (JSON) the signing key, saved. */
export async function setDeliveryDestination(
  options: Page,
  format: DeliveryFormatLabel,
  url: string,
  secret?: string,
): Promise<void> {
  await selectByText(await field(options, 'Format'), format);
  await fill(await field(options, 'Destination URL'), url);
  if (secret !== undefined) await fill(await field(options, 'Signing key'), secret);
  await options.locator(aria('button', 'Save destination')).click();
  await waitForText(options, 'Saved.');
}
