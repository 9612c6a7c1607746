import { t } from '../utils/i18n';
import type { Environment } from '../utils/vault/profile';

/** PROD for production apps (loud on purpose); a quiet tag for the others. */
export function EnvironmentBadge({ environment }: { environment: Environment }) {
  if (environment === 'production') {
    return (
      <span class="badge prod" title={t('env_production')}>
        {t('badge_prod')}
      </span>
    );
  }
  return <span class="badge">{environment === 'staging' ? t('env_staging') : t('env_test')}</span>;
}
