import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../utils/i18n';
import { asAppError, type AppError } from '../utils/messages/app-error';
import { ErrorNotice } from './ErrorNotice';
import { PasswordInput } from './PasswordInput';

interface Props {
  /** Resolves when unlocked; throws RequestFailed otherwise. */
  onUnlock: (passphrase: string) => Promise<void>;
  idPrefix?: string;
}

/**
 * The passphrase prompt used by the popup, the options page and the unlock window. On a wrong
 * passphrase it says so, clears the field and keeps focus in it.
 */
export function UnlockForm({ onUnlock, idPrefix = 'unlock' }: Props) {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!busy) input.current?.focus();
  }, [busy, error]);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy || passphrase === '') return;
    setBusy(true);
    setError(null);
    try {
      await onUnlock(passphrase);
    } catch (e) {
      setError(asAppError(e));
      setPassphrase('');
    } finally {
      setBusy(false);
    }
  }

  const errorId = `${idPrefix}-error`;
  return (
    <form class="unlock-form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
      <h2>{t('unlock_title')}</h2>
      <p class="hint">{t('unlock_hint')}</p>
      <PasswordInput
        id={`${idPrefix}-passphrase`}
        label={t('unlock_passphraseLabel')}
        value={passphrase}
        onInput={setPassphrase}
        inputRef={input}
        invalid={error !== null}
        describedBy={error ? errorId : undefined}
        autoFocus
        required
      />
      {error && <ErrorNotice error={error} id={errorId} />}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('unlock_working') : t('unlock_submit')}
      </button>
    </form>
  );
}
