import { useEffect, useState } from 'preact/hooks';
import { useSend } from '../../components/background';
import { presetLabel } from '../../utils/mute/duration-text';
import { ErrorNotice } from '../../components/ErrorNotice';
import { builtInReasons } from '../../components/ReasonField';
import { ScopePicker } from '../../components/ScopePicker';
import { keyPart, t, type MessageKey } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import {
  DEFAULT_PRESETS,
  parseDuration,
  toDurationNotation,
  type DurationPreset,
} from '../../utils/mute/durations';
import type { EffectiveSettings, SettingsPatch } from '../../utils/settings';
import { LockIcon } from './PolicySection';
import { ModeratorName } from './ModeratorName';
import { RefusalNotice } from '../../components/RefusalNotice';
import { durationRefusal } from '../../utils/mute/decision';

/** Duration presets (edit, reorder), reason presets, confirmation rules and the default scope. */
export function MutePreferences() {
  const send = useSend();
  const [settings, setSettings] = useState<EffectiveSettings | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [newPreset, setNewPreset] = useState('');
  const [presetProblem, setPresetProblem] = useState<string | null>(null);
  const [reasonsText, setReasonsText] = useState('');

  useEffect(() => {
    send({ type: 'settings.get' }).then(
      (s) => {
        setSettings(s);
        setReasonsText((s.reasonPresets ?? builtInReasons()).join('\n'));
      },
      (e: unknown) => setError(asAppError(e)),
    );
  }, [send]);

  async function update(patch: SettingsPatch) {
    setError(null);
    try {
      setSettings(await send({ type: 'settings.update', patch }));
    } catch (e) {
      setError(asAppError(e));
    }
  }

  if (!settings) return null;
  const presets = settings.presets;
  const defaultRefused = durationRefusal(settings.defaultSeconds, settings.policy.rules);

  function move(index: number, by: number) {
    const next = [...presets];
    const [item] = next.splice(index, 1);
    if (item) next.splice(index + by, 0, item);
    void update({ presets: next });
  }

  function addPreset(event: Event) {
    event.preventDefault();
    const parsed = parseDuration(newPreset);
    if (!parsed.ok) {
      setPresetProblem(t(`durationProblem_${keyPart(parsed.problem)}` as MessageKey));
      return;
    }
    const id = toDurationNotation(parsed.seconds);
    if (presets.some((p) => p.id === id)) {
      setPresetProblem(t('prefs_presetExists'));
      return;
    }
    setPresetProblem(null);
    setNewPreset('');
    void update({ presets: [...presets, { id, seconds: parsed.seconds }] });
  }

  return (
    <section class="card" aria-labelledby="prefs-title">
      <h2 id="prefs-title">{t('prefs_title')}</h2>
      <h3>{t('prefs_presets')}</h3>
      <p class="hint">{t('prefs_presetsHint')}</p>
      <ol class="preset-list">
        {presets.map((preset: DurationPreset, index) => (
          <li key={preset.id}>
            <span>{presetLabel(preset)}</span>
            <button
              type="button"
              class="secondary small"
              aria-label={t('prefs_moveUp', presetLabel(preset))}
              disabled={index === 0}
              onClick={() => move(index, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              class="secondary small"
              aria-label={t('prefs_moveDown', presetLabel(preset))}
              disabled={index === presets.length - 1}
              onClick={() => move(index, 1)}
            >
              ↓
            </button>
            <button
              type="button"
              class="danger small"
              aria-label={t('prefs_remove', presetLabel(preset))}
              disabled={presets.length === 1}
              onClick={() => void update({ presets: presets.filter((p) => p.id !== preset.id) })}
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      <form class="inline-form" onSubmit={addPreset}>
        <label for="new-preset">{t('prefs_addPreset')}</label>
        <input
          id="new-preset"
          placeholder="45m, 2d, 1w"
          value={newPreset}
          onInput={(e) => setNewPreset(e.currentTarget.value)}
          aria-invalid={presetProblem ? 'true' : undefined}
        />
        <button type="submit" class="secondary" disabled={presets.length >= 12}>
          {t('prefs_add')}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => void update({ presets: [...DEFAULT_PRESETS] })}
        >
          {t('prefs_resetPresets')}
        </button>
      </form>
      {presetProblem && <p class="field-error">{presetProblem}</p>}

      <h3>{t('prefs_reasons')}</h3>
      <div class="field">
        <label for="reason-presets">{t('prefs_reasonsHint')}</label>
        <textarea
          id="reason-presets"
          rows={5}
          value={reasonsText}
          onInput={(e) => setReasonsText(e.currentTarget.value)}
        />
        <div class="actions">
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void update({
                reasonPresets: reasonsText
                  .split('\n')
                  .map((r) => r.trim())
                  .filter(Boolean)
                  .slice(0, 20)
                  .map((r) => r.slice(0, 80)),
              })
            }
          >
            {t('prefs_saveReasons')}
          </button>
        </div>
      </div>

      <h3>{t('prefs_safety')}</h3>
      <label class="check">
        <input
          type="checkbox"
          checked={settings.confirmProduction}
          disabled={settings.policy.rules.confirmProduction}
          aria-describedby={
            settings.policy.rules.confirmProduction ? 'prefs-confirm-production-locked' : undefined
          }
          onChange={(e) => void update({ confirmProduction: e.currentTarget.checked })}
        />
        {t('prefs_confirmProduction')}
      </label>
      {settings.policy.rules.confirmProduction && (
        <p class="hint" id="prefs-confirm-production-locked">
          <LockIcon /> {t('policy_lockedNote')}
        </p>
      )}
      <p class="hint">{t('prefs_confirmAlways')}</p>
      <div class="field">
        <label for="prefs-default-duration">{t('prefs_defaultDuration')}</label>
        <select
          id="prefs-default-duration"
          aria-describedby="prefs-default-duration-hint"
          value={String(settings.defaultSeconds)}
          onChange={(e) => void update({ defaultSeconds: Number(e.currentTarget.value) })}
        >
          {[
            ...presets,
            ...(presets.some((p) => p.seconds === settings.defaultSeconds)
              ? []
              : [{ id: 'current', seconds: settings.defaultSeconds }]),
          ].map((preset) => (
            <option key={preset.id} value={String(preset.seconds)}>
              {presetLabel(preset)}
            </option>
          ))}
        </select>
        <p class="hint" id="prefs-default-duration-hint">
          {t('prefs_defaultDurationHint')}
        </p>
        {/* The shortcut would be refused every time: say so where it is chosen. */}
        {defaultRefused && (
          <RefusalNotice
            reason={defaultRefused}
            longestMuteSeconds={settings.policy.rules.longestMuteSeconds}
          />
        )}
      </div>
      <ScopePicker
        idPrefix="prefs"
        value={settings.defaultScopes}
        onChange={(scopes) =>
          (scopes.c2c || scopes.group) && void update({ defaultScopes: scopes })
        }
      />

      <ModeratorName settings={settings} update={update} />

      <h3>{t('prefs_auditLimits')}</h3>
      <div class="filters">
        <div class="field">
          <label for="audit-max">{t('prefs_auditMax')}</label>
          <input
            id="audit-max"
            type="number"
            min={100}
            max={20000}
            value={settings.auditMaxEntries}
            onChange={(e) =>
              void update({ auditMaxEntries: clamp(e.currentTarget.valueAsNumber, 100, 20000) })
            }
          />
        </div>
        <div class="field">
          <label for="audit-days">{t('prefs_auditDays')}</label>
          <input
            id="audit-days"
            type="number"
            min={1}
            max={3650}
            value={settings.auditRetentionDays}
            onChange={(e) =>
              void update({ auditRetentionDays: clamp(e.currentTarget.valueAsNumber, 1, 3650) })
            }
          />
        </div>
      </div>
      {error && <ErrorNotice error={error} />}
    </section>
  );
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}
