import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

/**
 * The fake browser has no i18n; give it the real English catalogue with Chrome's substitution
 * rules, so tests see the words an operator sees.
 */
type Catalogue = Record<
  string,
  { message: string; placeholders?: Record<string, { content: string }> }
>;
export type CatalogueLocale = 'en' | 'zh_CN' | 'ja';

function readCatalogue(locale: CatalogueLocale): Catalogue {
  return JSON.parse(
    readFileSync(path.resolve(`public/_locales/${locale}/messages.json`), 'utf8'),
  ) as Catalogue;
}

const english = readCatalogue('en');

/** getMessage over one catalogue, with Chrome's substitution rules. */
function messagesOf(catalogue: Catalogue) {
  return (key: string, substitutions?: string | string[]) =>
    catalogueMessage(catalogue, key, substitutions);
}

export function getEnglishMessage(key: string, substitutions?: string | string[]): string {
  return catalogueMessage(english, key, substitutions);
}

/** Makes the fake browser speak another catalogue for the rest of the test. */
export function useCatalogue(locale: CatalogueLocale): void {
  fakeBrowser.i18n.getMessage = messagesOf(readCatalogue(locale));
}

function catalogueMessage(
  catalogue: Catalogue,
  key: string,
  substitutions?: string | string[],
): string {
  const entry = catalogue[key];
  if (!entry) return '';
  const subs = substitutions === undefined ? [] : [substitutions].flat();
  const fill = (text: string) =>
    text.replace(/\$(\d)/g, (_, n: string) => subs[Number(n) - 1] ?? '');
  const named = entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (_, name: string) => {
    const placeholder = entry.placeholders?.[name.toLowerCase()];
    return placeholder?.content ?? '';
  });
  return fill(named).replace(/\$\$/g, '$');
}

beforeEach(() => {
  fakeBrowser.reset();
  fakeBrowser.i18n.getMessage = getEnglishMessage;
  fakeBrowser.i18n.getUILanguage = () => 'en';
});
