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
