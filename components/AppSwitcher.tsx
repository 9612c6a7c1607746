import { t } from '../utils/i18n';
import type { ProfileMeta } from '../utils/vault/profile';
import { EnvironmentBadge } from './EnvironmentBadge';

/** Which app the next action goes to, with its PROD badge always in view. */
export function AppSwitcher(props: {
  profiles: readonly ProfileMeta[];
  current: ProfileMeta;
  onChange: (id: string) => void;
}) {
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
              {t('app_withId', [p.label, String(p.sdkAppId)])}
            </option>
          ))}
        </select>
      ) : (
        <span class="app-name">{props.current.label}</span>
      )}
      <EnvironmentBadge environment={props.current.environment} />
    </div>
  );
}
