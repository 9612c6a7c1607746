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
type Unit = keyof typeof UNIT_SECONDS;
const UNIT_ORDER: readonly Unit[] = ['w', 'd', 'h', 'm', 's'];
const PERMANENT_WORDS = new Set(['permanent', 'perm', 'forever', '永久', '無期限']);

export type DurationProblem = 'empty' | 'no-unit' | 'bad-format' | 'zero' | 'too-long';
export type DurationResult =
  { ok: true; seconds: number } | { ok: false; problem: DurationProblem };

/**
 * Parses the custom-duration notation: `30s`, `10m`, `2h30m`, `3d`, `1w`, `1d 12h`, or
 * "permanent". Units must go from largest to smallest, each at most once. Zero is not a
 * duration (that is an unmute) and anything past the API's range is refused.
 */
export function parseDuration(text: string): DurationResult {
  const input = text.trim().toLowerCase();
  if (input === '') return { ok: false, problem: 'empty' };
  if (PERMANENT_WORDS.has(input)) return { ok: true, seconds: PERMANENT_SECONDS };
  if (/^\d+$/.test(input)) return { ok: false, problem: 'no-unit' };
  const parts = [...input.matchAll(/(\d+)\s*([wdhms])\s*/g)];
  if (parts.map((m) => m[0]).join('') !== input.replace(/^\s+/, '')) {
    return { ok: false, problem: 'bad-format' };
  }
  let seconds = 0;
  let lastUnitIndex = -1;
  for (const [, amount, unit] of parts) {
    const unitIndex = UNIT_ORDER.indexOf(unit as Unit);
    if (unitIndex <= lastUnitIndex) return { ok: false, problem: 'bad-format' };
    lastUnitIndex = unitIndex;
    seconds += Number(amount) * UNIT_SECONDS[unit as Unit];
  }
  if (seconds === 0) return { ok: false, problem: 'zero' };
  if (seconds > MAX_TIMED_SECONDS) return { ok: false, problem: 'too-long' };
  return { ok: true, seconds };
}

/** Compact notation for a duration, the inverse of {@link parseDuration}: 9000 → "2h30m". */
export function toDurationNotation(seconds: number): string {
  if (seconds === PERMANENT_SECONDS) return 'permanent';
  let rest = seconds;
  let out = '';
  for (const unit of UNIT_ORDER) {
    const amount = Math.floor(rest / UNIT_SECONDS[unit]);
    if (amount > 0) {
      out += `${amount}${unit}`;
      rest -= amount * UNIT_SECONDS[unit];
    }
  }
  return out || '0s';
}

const FORMAT_UNITS = [
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
] as const;

/**
 * A short human duration in the given locale, with the two largest units: "1 hr 12 min",
 * "3 days 4 hr", "45 sec". Uses Intl so every UI language gets its own unit words.
 */
export function formatDuration(seconds: number, locale: string): string {
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
  return pieces.join(' ');
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
