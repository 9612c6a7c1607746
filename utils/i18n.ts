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

/** The locale for Intl formatting, e.g. "zh-CN". */
export function uiLocale(): string {
  return browser.i18n.getUILanguage();
}

/** Turns a data value with hyphens ("wrong-region") into the key fragment ("wrong_region"). */
export function keyPart(value: string): string {
  return value.replace(/-/g, '_');
}
