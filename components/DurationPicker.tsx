import { keyPart, t, uiLocale, type MessageKey } from '../utils/i18n';
import {
  PERMANENT_SECONDS,
  expiryTime,
  formatDateTime,
  formatDuration,
  parseDuration,
  type DurationPreset,
  type DurationResult,
} from '../utils/mute/durations';

/** A preset by id, or custom notation such as "2h30m". */
export type DurationChoice = { kind: 'preset'; id: string } | { kind: 'custom'; text: string };

/** Seconds for a choice, or why it cannot be used. */
export function resolveDuration(
  choice: DurationChoice,
  presets: readonly DurationPreset[],
): DurationResult {
  if (choice.kind === 'custom') return parseDuration(choice.text);
  const preset = presets.find((p) => p.id === choice.id);
  return preset ? { ok: true, seconds: preset.seconds } : { ok: false, problem: 'empty' };
}

/** How a choice is remembered between sessions ("1h", or "custom:2h30m"). */
export function choiceToMemory(choice: DurationChoice): string {
  return choice.kind === 'preset' ? choice.id : `custom:${choice.text}`.slice(0, 32);
}

export function choiceFromMemory(
  memory: string | null,
  presets: readonly DurationPreset[],
): DurationChoice {
  if (memory?.startsWith('custom:')) return { kind: 'custom', text: memory.slice(7) };
  const preset =
    presets.find((p) => p.id === memory) ?? presets.find((p) => p.id === '1h') ?? presets[0];
  return { kind: 'preset', id: preset?.id ?? '1h' };
}

/** A preset's label: "10 min", "1 day", "Permanent". */
export function presetLabel(preset: DurationPreset): string {
  return preset.seconds === PERMANENT_SECONDS
    ? t('duration_permanent')
    : formatDuration(preset.seconds, uiLocale());
}

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
          placeholder="30s, 2h30m, 3d"
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
