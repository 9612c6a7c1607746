import { useState } from 'preact/hooks';
import { askForAccess } from './host-access';
import { t } from '../utils/i18n';
import type { HostAccess } from '../utils/chat-api/host-access';

/**
 * The way out of a `no-host-access` failure. In an extension page: "Allow access", whose click
 * asks the browser first thing (a permission prompt needs the click's user activation). On a web
 * page (the popover passes `onOpenWindow`), where no prompt can be shown: a button that opens the
 * action window to ask there.
 */
export function HostAccessButton({
  access,
  onGranted,
  onOpenWindow,
}: {
  access: HostAccess;
  onGranted?: () => void;
  onOpenWindow?: () => void;
}) {
  const [answer, setAnswer] = useState<'granted' | 'declined' | null>(null);
  if (onOpenWindow) {
    return (
      <button type="button" class="secondary small" onClick={onOpenWindow}>
        {t('access_openWindow')}
      </button>
    );
  }
  function ask() {
    void askForAccess(access.origins).then((granted) => {
      setAnswer(granted ? 'granted' : 'declined');
      if (granted) onGranted?.();
    });
  }
  return (
    <span class="access-request">
      {answer !== 'granted' && (
        <button type="button" class="secondary small" onClick={ask}>
          {t('access_allow')}
        </button>
      )}
      {answer && (
        <span role="status">
          {t(answer === 'granted' ? 'access_granted' : 'access_declined', access.host)}
        </span>
      )}
    </span>
  );
}
