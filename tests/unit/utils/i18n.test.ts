import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChatErrorCategorySchema } from '../../../utils/chat-api/errors';
import { REGIONS } from '../../../utils/chat-api/regions';
import { keyPart } from '../../../utils/i18n';
import { VaultProblemSchema } from '../../../utils/vault/problems';

type Catalogue = Record<string, { message: string }>;
const load = (locale: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../../../public/_locales/${locale}/messages.json`, import.meta.url),
      'utf8',
    ),
  ) as Catalogue;
const catalogues = { en: load('en'), zh_CN: load('zh_CN'), ja: load('ja') };
const placeholders = (text: string) => [...text.matchAll(/\$\d/g)].map((m) => m[0]).sort();

describe('locales', () => {
  it('have the same keys in English, Simplified Chinese and Japanese', () => {
    const keys = Object.keys(catalogues.en).sort();
    expect(Object.keys(catalogues.zh_CN).sort()).toEqual(keys);
    expect(Object.keys(catalogues.ja).sort()).toEqual(keys);
  });

  it('use the same substitutions in every language', () => {
    for (const [key, { message }] of Object.entries(catalogues.en)) {
      for (const locale of ['zh_CN', 'ja'] as const) {
        expect([key, placeholders(catalogues[locale][key]?.message ?? '')]).toEqual([
          key,
          placeholders(message),
        ]);
      }
    }
  });

  it('use only key characters Chrome accepts, and no empty messages', () => {
    for (const catalogue of Object.values(catalogues)) {
      for (const [key, { message }] of Object.entries(catalogue)) {
        expect(key).toMatch(/^[A-Za-z0-9_]+$/);
        expect(message.trim()).not.toBe('');
      }
    }
  });

  it('name every error category, vault problem and region the code can produce', () => {
    const needed = [
      ...ChatErrorCategorySchema.options.flatMap((c) => [
        `apiError_${keyPart(c)}`,
        `apiAdvice_${keyPart(c)}`,
      ]),
      ...VaultProblemSchema.options.flatMap((p) => [
        `vaultError_${keyPart(p)}`,
        `vaultAdvice_${keyPart(p)}`,
      ]),
      ...Object.keys(REGIONS).map((r) => `region_${r}`),
    ];
    for (const key of needed) expect(catalogues.en, key).toHaveProperty(key);
  });
});
