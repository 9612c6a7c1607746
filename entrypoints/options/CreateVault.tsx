import { useState } from 'preact/hooks';
import { useSend } from '../../components/background';
import { ErrorNotice } from '../../components/ErrorNotice';
import {
  NewPassphraseFields,
  newPassphraseProblem,
  type NewPassphrase,
} from '../../components/NewPassphraseFields';
import { t } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import { ImportBackup } from './ImportBackup';

/** First run, step 1: choose the passphrase that encrypts every app's secret key. */
export function CreateVault({ onCreated }: { onCreated: () => Promise<void> }) {
  const send = useSend();
  const [value, setValue] = useState<NewPassphrase>({ passphrase: '', confirmation: '' });
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setTried(true);
    if (newPassphraseProblem(value) !== null || busy) return;
    setBusy(true);
    setError(null);
    try {
      await send({ type: 'vault.create', passphrase: value.passphrase });
      await onCreated();
    } catch (e) {
      setError(asAppError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <section class="card narrow">
        <p class="step">{t('onboarding_step', ['1', '3'])}</p>
        <h2>{t('onboarding_welcomeTitle')}</h2>
        <p>{t('onboarding_welcomeText')}</p>
        <form onSubmit={(e) => void submit(e)} aria-busy={busy} noValidate>
          <NewPassphraseFields
            idPrefix="create"
            value={value}
            onInput={setValue}
            showProblem={tried}
            autoFocus
          />
          <p class="hint">{t('onboarding_passphraseWarning')}</p>
          {error && <ErrorNotice error={error} />}
          <button type="submit" class="primary" disabled={busy}>
            {t('onboarding_createVault')}
          </button>
        </form>
      </section>
      <section class="card narrow">
        <h2>{t('backup_restoreTitle')}</h2>
        <ImportBackup replacing={false} onImported={onCreated} />
      </section>
    </>
  );
}
