import { t, uiLocale } from '../i18n';
import { PERMANENT_SECONDS, formatDuration, type DurationPreset } from './durations';

/** A preset's label in the UI language: "10 min", "1 day", "Permanent". */
export function presetLabel(preset: DurationPreset): string {
  return preset.seconds === PERMANENT_SECONDS
    ? t('duration_permanent')
    : formatDuration(preset.seconds, uiLocale());
}
