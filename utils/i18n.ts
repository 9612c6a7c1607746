import { browser } from '#imports';
import type english from '../public/_locales/en/messages.json';

/** A key of the English catalogue; the other locales are checked against it in tests. */
export type MessageKey = keyof typeof english;

/** The UI text for `key` in the browser's language, with `$1`… filled from `substitutions`. */
export function t(
  key: MessageKey,
  substitutions?: string | number | Array<string | number>,
): string {
  const subs =
    substitutions === undefined ? undefined : [substitutions].flat().map((s) => String(s));
  return browser.i18n.getMessage(key, subs) || key;
}

/**
 * Resolves true once this context can read the extension's messages (false after `timeoutMs`).
 * A content script can start before the browser has handed it the catalogue, and
 * `getMessage` then answers "" for every key.
 */
export async function messagesReady(timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (browser.i18n.getMessage('extName') === '') {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** The locale for Intl formatting, e.g. "zh-CN". */
export function uiLocale(): string {
  return browser.i18n.getUILanguage();
}

/** Turns a data value with hyphens ("wrong-region") into the key fragment ("wrong_region"). */
export function keyPart(value: string): string {
  return value.replace(/-/g, '_');
}
