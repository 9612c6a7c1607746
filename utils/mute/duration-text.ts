import { t, uiLocale } from '../i18n';
import {
  NOTATION_UNITS,
  PERMANENT_SECONDS,
  formatDuration,
  toDurationNotation,
  type DurationPreset,
  type DurationUnit,
} from './durations';

/** A preset's label in the UI language: "10 min", "1 day", "Permanent". */
export function presetLabel(preset: DurationPreset): string {
  return preset.seconds === PERMANENT_SECONDS
    ? t('duration_permanent')
    : durationText(preset.seconds);
}

/** A duration in the UI language, two largest units: "1 hr 12 min", "1小时12分钟". */
export function durationText(seconds: number): string {
  return formatDuration(seconds, uiLocale(), (first, second) =>
    t('duration_twoUnits', [first, second]),
  );
}

/** The compact notation in the UI language's unit words: "2h30m", "2小时30分钟", "2時間30分". */
export function durationNotation(seconds: number): string {
  const words = t('duration_units').split(' ');
  const order = Object.keys(NOTATION_UNITS) as DurationUnit[];
  const units =
    words.length === order.length
      ? (Object.fromEntries(order.map((unit, i) => [unit, words[i]])) as Record<
          DurationUnit,
          string
        >)
      : NOTATION_UNITS;
  return toDurationNotation(seconds, units, t('duration_permanent'));
}
