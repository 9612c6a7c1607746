import { keyPart, t, uiLocale, type MessageKey } from '../utils/i18n';
import { presetLabel } from '../utils/mute/duration-text';
import { resolveDuration, type DurationChoice } from '../utils/mute/duration-choice';

export {
  choiceForSeconds,
  choiceFromMemory,
  choiceToMemory,
  resolveDuration,
  type DurationChoice,
} from '../utils/mute/duration-choice';
import { expiryTime, formatDateTime, type DurationPreset } from '../utils/mute/durations';

interface Props {
  idPrefix: string;
  presets: readonly DurationPreset[];
  value: DurationChoice;
  onChange: (choice: DurationChoice) => void;
  nowMs: number;
}

/**
 * Duration presets as a radio group (arrow keys move, digits 1–6 pick in the forms that
 * listen for them) plus Custom, with the exact expiry shown before anything is sent.
 */
export function DurationPicker({ idPrefix, presets, value, onChange, nowMs }: Props) {
  const resolved = resolveDuration(value, presets);
  const name = `${idPrefix}-duration`;
  const expiry = resolved.ok ? expiryTime(nowMs, resolved.seconds) : null;
  return (
    <fieldset class="field duration-picker">
      <legend>{t('duration_legend')}</legend>
      <div class="chips" role="radiogroup" aria-label={t('duration_legend')}>
        {presets.map((preset, index) => (
          <label class="chip" key={preset.id}>
            <input
              type="radio"
              name={name}
              checked={value.kind === 'preset' && value.id === preset.id}
              onChange={() => onChange({ kind: 'preset', id: preset.id })}
            />
            <span>{presetLabel(preset)}</span>
            {index < 6 && <kbd aria-hidden="true">{index + 1}</kbd>}
          </label>
        ))}
        <label class="chip">
          <input
            type="radio"
            name={name}
            checked={value.kind === 'custom'}
            onChange={() =>
              onChange({ kind: 'custom', text: value.kind === 'custom' ? value.text : '' })
            }
          />
          <span>{t('duration_custom')}</span>
        </label>
      </div>
      {value.kind === 'custom' && (
        <input
          id={`${idPrefix}-custom`}
          aria-label={t('duration_customLabel')}
          placeholder={t('duration_customPlaceholder')}
          value={value.text}
          onInput={(e) => onChange({ kind: 'custom', text: e.currentTarget.value })}
          aria-invalid={!resolved.ok && value.text !== '' ? 'true' : undefined}
          autoFocus
        />
      )}
      <p class="hint" aria-live="polite" id={`${idPrefix}-expiry`}>
        {resolved.ok
          ? expiry === null
            ? t('duration_neverEnds')
            : t('duration_until', formatDateTime(expiry, uiLocale()))
          : value.kind === 'custom' && value.text !== ''
            ? t(`durationProblem_${keyPart(resolved.problem)}` as MessageKey)
            : ''}
      </p>
    </fieldset>
  );
}
