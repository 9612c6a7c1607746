import { t, uiLocale } from '../utils/i18n';
import { formatDateTime } from '../utils/mute/durations';

/** Says that a passphrase change did not complete, so the old passphrase still opens the vault. */
export function ChangeInterruptedNotice({ at }: { at: number | null }) {
  if (at === null) return null;
  return (
    <p class="notice warning" role="alert">
      {t('vault_changeInterrupted', formatDateTime(at, uiLocale()))}
    </p>
  );
}
