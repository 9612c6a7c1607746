import { t } from '../utils/i18n';
import type { ProfileMeta } from '../utils/vault/profile';
import { EnvironmentBadge } from './EnvironmentBadge';

/**
 * Which app the next action goes to, with its PROD badge always in view. Switching changes
 * this surface's app only; the default (what the menu, the shortcut and page buttons use) moves
 * only by "Make default", and the list says which app it is.
 */
export function AppSwitcher(props: {
  profiles: readonly ProfileMeta[];
  current: ProfileMeta;
  defaultId: string | null;
  onChange: (id: string) => void;
  onMakeDefault: (id: string) => void;
}) {
  const defaultId = props.defaultId ?? props.profiles[0]?.id;
  return (
    <div class="app-switcher">
      {props.profiles.length > 1 ? (
        <select
          aria-label={t('app_switcherLabel')}
          value={props.current.id}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        >
          {props.profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.id === defaultId
                ? t('app_default', t('app_withId', [p.label, String(p.sdkAppId)]))
                : t('app_withId', [p.label, String(p.sdkAppId)])}
            </option>
          ))}
        </select>
      ) : (
        <span class="app-name">{props.current.label}</span>
      )}
      <EnvironmentBadge environment={props.current.environment} />
      {props.current.id !== defaultId && (
        <button
          type="button"
          class="secondary small"
          title={t('app_makeDefaultHint')}
          onClick={() => props.onMakeDefault(props.current.id)}
        >
          {t('profiles_makeDefault')}
        </button>
      )}
    </div>
  );
}
