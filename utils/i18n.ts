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

/**
 * The locale for Intl formatting, e.g. "zh-CN": the language of the catalogue the browser
 * picked, so dates and numbers match the sentences around them (a French or zh-TW browser gets
 * the English catalogue, and English dates, not French dates in English sentences).
 */
export function uiLocale(): string {
  const tag = browser.i18n.getMessage('locale');
  return tag === '' ? 'en' : tag;
}

/** Turns a data value with hyphens ("wrong-region") into the key fragment ("wrong_region"). */
export function keyPart(value: string): string {
  return value.replace(/-/g, '_');
}

/** Joins the texts two at a time with a catalogue pattern ("$1 $2", "$1$2"). */
function joinWith(key: MessageKey, texts: readonly string[]): string {
  return texts.length === 0 ? '' : texts.reduce((joined, next) => t(key, [joined, next]));
}

/** Sentences one after another, spaced as the catalogue's language spaces them. */
export function sentences(texts: readonly string[]): string {
  return joinWith('join_sentences', texts);
}

/** An enumeration: "a, b, c" in English, "a、b、c" in Chinese and Japanese. */
export function listText(items: readonly string[]): string {
  return joinWith('join_list', items);
}

/** Texts side by side as one line's parts: "a · b". */
export function asides(texts: readonly string[]): string {
  return joinWith('join_aside', texts);
}

/** "Label: value", with the catalogue's colon (full-width in Chinese and Japanese). */
export function labelled(label: string, value: string): string {
  return t('join_labelled', [label, value]);
}

/** A count in the catalogue's language: "1,000". */
export function numberText(value: number): string {
  return new Intl.NumberFormat(uiLocale()).format(value);
}
