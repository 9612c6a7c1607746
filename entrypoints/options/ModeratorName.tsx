import { useState } from 'preact/hooks';
import { asides, t } from '../../utils/i18n';
import type { EffectiveSettings, SettingsPatch } from '../../utils/settings';
import { LockIcon } from './PolicySection';

/**
 * The name this browser's audit entries carry, set once by the operator (or fixed by the
 * organisation's policy). Declared, not authenticated: the hint says so.
 */
export function ModeratorName({
  settings,
  update,
}: {
  settings: EffectiveSettings;
  update: (patch: SettingsPatch) => Promise<void>;
}) {
  const [draft, setDraft] = useState(settings.moderatorName ?? '');
  const [saved, setSaved] = useState(false);
  const fixed = settings.policy.setKeys.includes('moderatorName');

  async function save(event: Event) {
    event.preventDefault();
    const name = draft.trim();
    await update({ moderatorName: name === '' ? null : name });
    setSaved(true);
  }

  return (
    <>
      <h3>{t('prefs_moderator')}</h3>
      {fixed ? (
        <p id="prefs-moderator-fixed">
          <LockIcon />{' '}
          {asides([settings.moderatorName ?? t('policy_none'), t('policy_lockedNote')])}
        </p>
      ) : (
        <form class="inline-form" onSubmit={(e) => void save(e)}>
          <label for="prefs-moderator">{t('prefs_moderatorLabel')}</label>
          <input
            id="prefs-moderator"
            value={draft}
            maxLength={40}
            autocomplete="nickname"
            aria-describedby="prefs-moderator-hint"
            onInput={(e) => {
              setDraft(e.currentTarget.value);
              setSaved(false);
            }}
          />
          <button type="submit" class="secondary">
            {t('prefs_moderatorSave')}
          </button>
          <span role="status">{saved ? t('prefs_moderatorSaved') : ''}</span>
        </form>
      )}
      <p class="hint" id="prefs-moderator-hint">
        {t('prefs_moderatorHint')}
      </p>
    </>
  );
}
