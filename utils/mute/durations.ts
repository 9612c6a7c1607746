import * as z from 'zod/mini';

/** API value that lifts a mute. */
export const UNMUTE_SECONDS = 0;
/** API value (0xFFFFFFFF) for a mute that never ends. */
export const PERMANENT_SECONDS = 4294967295;
/** Longest finite mute the API accepts. */
export const MAX_TIMED_SECONDS = PERMANENT_SECONDS - 1;

/** A value the API accepts in C2CmsgNospeakingTime / GroupmsgNospeakingTime. */
export const NoSpeakingSecondsSchema = z
  .int()
  .check(z.minimum(UNMUTE_SECONDS), z.maximum(PERMANENT_SECONDS));

export const DurationPresetSchema = z.object({
  /** Stable id, e.g. "1h"; also what the audit log records. */
  id: z.string().check(z.minLength(1), z.maxLength(32)),
  seconds: z.int().check(z.minimum(1), z.maximum(PERMANENT_SECONDS)),
});
export type DurationPreset = z.infer<typeof DurationPresetSchema>;

/** The default presets (ux.md): 10 min, 1 h, 1 day, 7 days, 30 days, Permanent. */
export const DEFAULT_PRESETS: readonly DurationPreset[] = [
  { id: '10m', seconds: 600 },
  { id: '1h', seconds: 3600 },
  { id: '1d', seconds: 86400 },
  { id: '7d', seconds: 604800 },
  { id: '30d', seconds: 2592000 },
  { id: 'permanent', seconds: PERMANENT_SECONDS },
];

const UNIT_SECONDS = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 } as const;
export type DurationUnit = keyof typeof UNIT_SECONDS;
const UNIT_ORDER: readonly DurationUnit[] = ['w', 'd', 'h', 'm', 's'];

/**
 * Every word a unit is written with, in the three catalogue languages (whatever the UI's
 * language: an operator may type the units they think in). Full-width forms are folded first.
 */
const UNIT_WORDS: Record<DurationUnit, readonly string[]> = {
  w: ['w', 'wk', 'wks', 'week', 'weeks', '周', '星期', '个星期', '週', '週間'],
  d: ['d', 'day', 'days', '天', '日'],
  h: ['h', 'hr', 'hrs', 'hour', 'hours', '小时', '个小时', '小時', '時間', '时', '時'],
  m: ['m', 'min', 'mins', 'minute', 'minutes', '分钟', '分鐘', '分'],
  s: ['s', 'sec', 'secs', 'second', 'seconds', '秒', '秒钟'],
};
const UNIT_OF_WORD = new Map<string, DurationUnit>(
  UNIT_ORDER.flatMap((unit) => UNIT_WORDS[unit].map((word) => [word, unit] as const)),
);
const UNIT_PATTERN = [...UNIT_OF_WORD.keys()].sort((a, b) => b.length - a.length).join('|');
/** One amount and its unit, then any separator: spaces, commas, 、 */
const PART = new RegExp(`(\\d+)\\s*(${UNIT_PATTERN})[\\s,、]*`, 'gy');
const PERMANENT_WORDS = new Set(['permanent', 'perm', 'forever', '永久', '永远', '無期限']);

/** Folds full-width digits, letters and spaces (２ｈ → 2h) and case. */
function fold(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}

export type DurationProblem = 'empty' | 'no-unit' | 'bad-format' | 'zero' | 'too-long';
export type DurationResult =
  { ok: true; seconds: number } | { ok: false; problem: DurationProblem };

/**
 * Parses the custom-duration notation: `30s`, `10m`, `2h30m`, `3d`, `1w`, `1d 12h`, `2 hours`,
 * `2小时30分`, `2時間30分`, `２ｈ`, or "permanent" (永久, 無期限). Units must go from largest to
 * smallest, each at most once. Zero is not a duration (that is an unmute) and anything past the
 * API's range is refused.
 */
export function parseDuration(text: string): DurationResult {
  const input = fold(text);
  if (input === '') return { ok: false, problem: 'empty' };
  if (PERMANENT_WORDS.has(input)) return { ok: true, seconds: PERMANENT_SECONDS };
  if (/^\d+$/.test(input)) return { ok: false, problem: 'no-unit' };
  const parts = [...input.matchAll(PART)];
  if (parts.map((m) => m[0]).join('') !== input) return { ok: false, problem: 'bad-format' };
  let seconds = 0;
  let lastUnitIndex = -1;
  for (const [, amount, word] of parts) {
    const unit = UNIT_OF_WORD.get(word ?? '') ?? 's';
    const unitIndex = UNIT_ORDER.indexOf(unit);
    if (unitIndex <= lastUnitIndex) return { ok: false, problem: 'bad-format' };
    lastUnitIndex = unitIndex;
    seconds += Number(amount) * UNIT_SECONDS[unit];
  }
  if (seconds === 0) return { ok: false, problem: 'zero' };
  if (seconds > MAX_TIMED_SECONDS) return { ok: false, problem: 'too-long' };
  return { ok: true, seconds };
}

/** The unit letters of the compact notation; the stable form stored as a preset id. */
export const NOTATION_UNITS: Readonly<Record<DurationUnit, string>> = {
  w: 'w',
  d: 'd',
  h: 'h',
  m: 'm',
  s: 's',
};

/**
 * Compact notation for a duration, the inverse of {@link parseDuration}: 9000 → "2h30m", or
 * with a language's unit words "2小时30分".
 */
export function toDurationNotation(
  seconds: number,
  units: Readonly<Record<DurationUnit, string>> = NOTATION_UNITS,
  permanent = 'permanent',
): string {
  if (seconds === PERMANENT_SECONDS) return permanent;
  let rest = seconds;
  let out = '';
  for (const unit of UNIT_ORDER) {
    const amount = Math.floor(rest / UNIT_SECONDS[unit]);
    if (amount > 0) {
      out += `${amount}${units[unit]}`;
      rest -= amount * UNIT_SECONDS[unit];
    }
  }
  return out || `0${units.s}`;
}

const FORMAT_UNITS = [
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
] as const;

/**
 * A short human duration in the given locale, with the two largest units: "1 hr 12 min",
 * "3 days 4 hr", "45 sec". Intl gives every language its own unit words; `join` puts two of
 * them together (the catalogue's pattern in the UI: "1小时12分钟" has no space).
 */
export function formatDuration(
  seconds: number,
  locale: string,
  join: (first: string, second: string) => string = (first, second) => `${first} ${second}`,
): string {
  const whole = Math.max(0, Math.round(seconds));
  const pieces: string[] = [];
  let rest = whole;
  for (const [unit, size] of FORMAT_UNITS) {
    const amount = Math.floor(rest / size);
    if (amount > 0 || (pieces.length === 0 && unit === 'second')) {
      pieces.push(
        new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(amount),
      );
      rest -= amount * size;
    }
    if (pieces.length === 2) break;
    // Keep the two units adjacent: "1 day 3 min" would read as a precise figure it is not.
    if (pieces.length === 1 && amount === 0) break;
  }
  const [first = '', second] = pieces;
  return second === undefined ? first : join(first, second);
}

/** The moment a mute of `seconds` applied at `nowMs` ends; null when it never does. */
export function expiryTime(nowMs: number, seconds: number): number | null {
  return seconds === PERMANENT_SECONDS ? null : nowMs + seconds * 1000;
}

/** An absolute date and time in the given locale, e.g. for "until 25 Nov 2026, 19:04". */
export function formatDateTime(epochMs: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(epochMs),
  );
}
