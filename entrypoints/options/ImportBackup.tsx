import { useState } from 'preact/hooks';
import { useSend } from '../../components/background';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PasswordInput } from '../../components/PasswordInput';
import { t } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';

/**
 * Restores an exported backup with the passphrase it was written under. Over an existing vault
 * the operator must confirm that it replaces the current apps.
 */
export function ImportBackup({
  replacing,
  onImported,
}: {
  replacing: boolean;
  onImported: () => Promise<void>;
}) {
  const send = useSend();
  const [fileText, setFileText] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function pick(input: HTMLInputElement) {
    const file = input.files?.[0];
    setError(null);
    setDone(false);
    if (!file) return;
    if (file.size > 2_000_000) {
      setError({ kind: 'vault', problem: 'bad-backup' });
      return;
    }
    setFileName(file.name);
    setFileText(await file.text());
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (fileText === null || passphrase === '' || busy || (replacing && !confirmed)) return;
    setBusy(true);
    setError(null);
    try {
      await send({ type: 'vault.import', fileText, passphrase });
      setDone(true);
      setPassphrase('');
      await onImported();
    } catch (e) {
      setError(asAppError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-busy={busy}>
      <div class="field">
        <label for="import-file">{t('backup_fileLabel')}</label>
        <input
          id="import-file"
          type="file"
          accept="application/json,.json"
          onChange={(e) => void pick(e.currentTarget)}
        />
        {fileName && <p class="hint">{fileName}</p>}
      </div>
      <PasswordInput
        id="import-passphrase"
        label={t('backup_passphraseLabel')}
        value={passphrase}
        onInput={setPassphrase}
      />
      {replacing && (
        <label class="check">
          <input
            type="checkbox"
            checked={confirmed}
            onChange={(e) => setConfirmed(e.currentTarget.checked)}
          />
          {t('backup_replaceConfirm')}
        </label>
      )}
      {error && <ErrorNotice error={error} />}
      {done && (
        <p class="notice success" role="status">
          {t('backup_imported')}
        </p>
      )}
      <button
        type="submit"
        class="secondary"
        disabled={busy || fileText === null || passphrase === '' || (replacing && !confirmed)}
      >
        {t('backup_import')}
      </button>
    </form>
  );
}
