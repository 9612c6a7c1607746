import { browser } from '#imports';

/**
 * Host access as extension pages see it. Asking must happen in the click handler, before
 * anything awaits (a permission prompt needs the click's user activation).
 */
export function askForAccess(origins: string[]): Promise<boolean> {
  return browser.permissions.request({ origins }).catch(() => false);
}

/**
 * Whether the extension may run on a site. Chrome's `permissions.contains` answers false for
 * hosts granted only through the manifest's content scripts (the built-in console sites), though
 * `getAll` lists them; Firefox lists them only while the operator has not withheld them.
 */
export async function hasSiteAccess(origin: string): Promise<boolean> {
  if (await browser.permissions.contains({ origins: [origin] }).catch(() => false)) return true;
  const granted = await browser.permissions.getAll().catch(() => ({ origins: [] }));
  return (granted.origins ?? []).includes(origin);
}
