import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRESETS,
  MAX_TIMED_SECONDS,
  PERMANENT_SECONDS,
  expiryTime,
  formatDuration,
  parseDuration,
  toDurationNotation,
} from '../../../../utils/mute/durations';

describe('parseDuration', () => {
  it.each([
    ['30s', 30],
    ['10m', 600],
    ['2h30m', 9000],
    ['2h 30m', 9000],
    ['3d', 259200],
    ['1w', 604800],
    ['1w2d3h4m5s', 788645],
    [' 90M ', 5400],
    ['permanent', PERMANENT_SECONDS],
    ['Forever', PERMANENT_SECONDS],
    ['永久', PERMANENT_SECONDS],
    ['無期限', PERMANENT_SECONDS],
    ['2 hours 30 minutes', 9000],
    ['1 day, 12 hrs', 129600],
    ['2小时30分', 9000],
    ['2小时30分钟', 9000],
    ['2个小时', 7200],
    ['1周3天', 864000],
    ['45秒', 45],
    ['2時間30分', 9000],
    ['1週間', 604800],
    ['3日 4時間', 273600],
    ['２ｈ', 7200],
    ['２時間３０分', 9000],
    ['１０Ｍ', 600],
    ['1天、2小时', 93600],
  ])('reads %j as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, seconds });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['90', 'no-unit'],
    ['1x', 'bad-format'],
    ['h2', 'bad-format'],
    ['30m2h', 'bad-format'],
    ['1h1h', 'bad-format'],
    ['-5m', 'bad-format'],
    ['1.5h', 'bad-format'],
    ['0s', 'zero'],
    ['0h0m', 'zero'],
    [`${MAX_TIMED_SECONDS + 1}s`, 'too-long'],
    ['99999w', 'too-long'],
    ['２', 'no-unit'],
    ['30分2小时', 'bad-format'],
    ['2小时2時間', 'bad-format'],
    ['2 hours and 3 minutes', 'bad-format'],
    ['二小时', 'bad-format'],
  ])('refuses %j (%s)', (text, problem) => {
    expect(parseDuration(text)).toEqual({ ok: false, problem });
  });

  it('accepts the longest finite mute the API takes', () => {
    expect(parseDuration(`${MAX_TIMED_SECONDS}s`)).toEqual({ ok: true, seconds: 4294967294 });
  });

  it('round-trips through the compact notation', () => {
    for (const seconds of [1, 59, 60, 3601, 9000, 86400 * 9 + 7, PERMANENT_SECONDS]) {
      expect(parseDuration(toDurationNotation(seconds))).toEqual({ ok: true, seconds });
    }
  });

  it('writes the notation with other unit words', () => {
    const units = { w: '週間', d: '日', h: '時間', m: '分', s: '秒' };
    expect(toDurationNotation(9000, units)).toBe('2時間30分');
    expect(toDurationNotation(0, units)).toBe('0秒');
    expect(toDurationNotation(PERMANENT_SECONDS, units, '無期限')).toBe('無期限');
  });
});

describe('presets', () => {
  it('are 10 min, 1 h, 1 day, 7 days, 30 days and permanent', () => {
    expect(DEFAULT_PRESETS.map((p) => p.seconds)).toEqual([
      600, 3600, 86400, 604800, 2592000, 4294967295,
    ]);
  });
});

describe('formatDuration', () => {
  it('shows the two largest adjacent units', () => {
    expect(formatDuration(4320, 'en')).toBe('1 hr 12 min');
    expect(formatDuration(3 * 86400 + 4 * 3600 + 5, 'en')).toBe('3 days 4 hr');
    expect(formatDuration(86400 + 180, 'en')).toBe('1 day');
    expect(formatDuration(45, 'en')).toBe('45 sec');
    expect(formatDuration(0, 'en')).toBe('0 sec');
  });

  it('puts two units together with the given join', () => {
    expect(formatDuration(4320, 'zh-CN', (a, b) => `${a}${b}`)).toBe('1小时12分钟');
    expect(formatDuration(45, 'zh-CN', () => 'never called')).toBe('45秒');
  });

  it('speaks the UI language', () => {
    expect(formatDuration(4320, 'ja')).toMatch(/1\s*時間\s*12\s*分/);
    expect(formatDuration(4320, 'zh-CN')).toMatch(/1\s*小时\s*12\s*分钟/);
  });
});

describe('expiryTime', () => {
  it('is now plus the duration, or null for permanent', () => {
    expect(expiryTime(1000, 60)).toBe(61000);
    expect(expiryTime(1000, PERMANENT_SECONDS)).toBeNull();
  });
});
