import { describe, expect, it } from 'vitest';
import { asides, labelled, listText, sentences, uiLocale } from '../../../../utils/i18n';
import { describeState } from '../../../../utils/mute/describe-state';
import { choiceForSeconds } from '../../../../utils/mute/duration-choice';
import { durationNotation, durationText } from '../../../../utils/mute/duration-text';
import {
  DEFAULT_PRESETS,
  PERMANENT_SECONDS,
  parseDuration,
} from '../../../../utils/mute/durations';
import { useCatalogue, type CatalogueLocale } from '../../../support/vitest-setup';

const NOW = Date.UTC(2026, 11, 2, 12);
const LANGUAGES: readonly CatalogueLocale[] = ['en', 'zh_CN', 'ja'];

describe('durations in the catalogue language', () => {
  it.each([
    ['en', 'en', '2h30m', '1 hr 12 min'],
    ['zh_CN', 'zh-CN', '2小时30分钟', '1小时12分钟'],
    ['ja', 'ja', '2時間30分', '1 時間 12 分'],
  ] as const)('%s: notation %s, text %s', (catalogue, locale, notation, text) => {
    useCatalogue(catalogue);
    expect(uiLocale()).toBe(locale);
    expect(durationNotation(9000)).toBe(notation);
    expect(durationText(4320)).toBe(text);
  });

  it.each(LANGUAGES)('%s: what the UI writes, the parser reads back', (catalogue) => {
    useCatalogue(catalogue);
    for (const seconds of [1, 90, 3600, 9000, 86400 * 9 + 7, 604800 * 3, PERMANENT_SECONDS]) {
      expect(parseDuration(durationNotation(seconds))).toEqual({ ok: true, seconds });
    }
  });

  it('a custom duration is shown in the operator’s units', () => {
    useCatalogue('zh_CN');
    expect(choiceForSeconds(9000, DEFAULT_PRESETS)).toEqual({
      kind: 'custom',
      text: '2小时30分钟',
    });
  });

  it('dates and numbers follow the catalogue, not the browser’s own language', () => {
    // A French browser gets the English catalogue (Chrome's fallback): English dates too.
    useCatalogue('en');
    expect(uiLocale()).toBe('en');
  });
});

describe('joins from the catalogue', () => {
  it('English spaces and commas', () => {
    expect(sentences(['Muted.', 'Undo?'])).toBe('Muted. Undo?');
    expect(listText(['a', 'b', 'c'])).toBe('a, b, c');
    expect(asides(['x', 'y'])).toBe('x · y');
    expect(labelled('Group', 'muted')).toBe('Group: muted');
    expect(listText([])).toBe('');
  });

  it('Chinese and Japanese use full-width punctuation and no space between sentences', () => {
    for (const catalogue of ['zh_CN', 'ja'] as const) {
      useCatalogue(catalogue);
      expect(sentences(['一。', '二。'])).toBe('一。二。');
      expect(listText(['a', 'b', 'c'])).toBe('a、b、c');
      expect(labelled('A', 'b')).toBe('A：b');
    }
  });

  it('a mute state per scope reads in one language', () => {
    useCatalogue('zh_CN');
    const state = {
      c2c: { kind: 'none' as const },
      group: { kind: 'timed' as const, until: NOW + 4320_000 },
    };
    const text = describeState(state, NOW);
    expect(text).toContain('：');
    expect(text).not.toMatch(/[A-Za-z]|: /);
  });
});
