import { useEffect, useState } from 'preact/hooks';
import { useSend } from '../../components/background';
import { ErrorNotice } from '../../components/ErrorNotice';
import {
  NewPassphraseFields,
  newPassphraseProblem,
  type NewPassphrase,
} from '../../components/NewPassphraseFields';
import { PasswordInput } from '../../components/PasswordInput';
import { labelled, sentences, t } from '../../utils/i18n';
import { asAppError, type AppError } from '../../utils/messages/app-error';
import type { EffectiveSettings } from '../../utils/settings';
import { LockIcon } from './PolicySection';
import { ForgetEverything } from './ForgetEverything';
import { ImportBackup } from './ImportBackup';

const AUTO_LOCK_CHOICES = [5, 15, 30, 60, 240] as const;

/** Auto-lock, passphrase change, encrypted backups and the wipe. */
export function SecuritySettings({ onChange }: { onChange: () => Promise<void> }) {
  return (
    <section class="card" aria-labelledby="security-title">
      <h2 id="security-title">{t('security_title')}</h2>
      <AutoLockSetting />
      <ChangePassphrase />
      <Backup onChange={onChange} />
      <ForgetEverything onForgotten={onChange} />
    </section>
  );
}

function AutoLockSetting() {
  const send = useSend();
  const [settings, setSettings] = useState<EffectiveSettings | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  useEffect(() => {
    send({ type: 'settings.get' }).then(setSettings, (e: unknown) => setError(asAppError(e)));
  }, [send]);

  async function choose(value: string) {
    setError(null);
    try {
      setSettings(
        await send({
          type: 'settings.update',
          patch: { autoLockMinutes: value === 'never' ? null : Number(value) },
        }),
      );
    } catch (e) {
      setError(asAppError(e));
    }
  }

  // The organisation's longest auto-lock: no longer choice is offered, and its own value is.
  const longest = settings?.policy.rules.longestAutoLockMinutes ?? null;
  const choices =
    longest === null
      ? [...AUTO_LOCK_CHOICES]
      : [...new Set([...AUTO_LOCK_CHOICES.filter((m) => m < longest), longest])];
  return (
    <div class="field">
      <label for="auto-lock">{t('security_autoLock')}</label>
      <select
        id="auto-lock"
        disabled={!settings}
        value={settings ? String(settings.autoLockMinutes ?? 'never') : ''}
        aria-describedby={longest === null ? undefined : 'auto-lock-locked'}
        onChange={(e) => void choose(e.currentTarget.value)}
      >
        {choices.map((minutes) => (
          <option key={minutes} value={String(minutes)}>
            {t('security_autoLockMinutes', String(minutes))}
          </option>
        ))}
        {longest === null && <option value="never">{t('security_autoLockBrowserClose')}</option>}
      </select>
      {longest !== null && (
        <p class="hint" id="auto-lock-locked">
          <LockIcon />{' '}
          {sentences([
            t('policy_lockedNote'),
            labelled(
              t('policy_rule_longestAutoLockMinutes'),
              t('policy_autoLockMinutes', String(longest)),
            ),
          ])}
        </p>
      )}
      <p class="hint">
        {/* Firefox's idle API never reports a locked screen: no promise it cannot keep. */}
        {t(import.meta.env.FIREFOX ? 'security_autoLockHintFirefox' : 'security_autoLockHint')}
      </p>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}

function ChangePassphrase() {
  const send = useSend();
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState<NewPassphrase>({ passphrase: '', confirmation: '' });
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setTried(true);
    if (busy || current === '' || newPassphraseProblem(next) !== null) return;
    setBusy(true);
    setError(null);
    try {
      await send({ type: 'vault.changePassphrase', current, next: next.passphrase });
      setDone(true);
      setOpen(false);
      setCurrent('');
      setNext({ passphrase: '', confirmation: '' });
      setTried(false);
    } catch (e) {
      setError(asAppError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="subsection">
      <h3>{t('security_changeTitle')}</h3>
      {done && (
        <p class="notice success" role="status">
          {t('security_changed')}
        </p>
      )}
      {open ? (
        <form onSubmit={(e) => void submit(e)} aria-busy={busy} noValidate>
          <PasswordInput
            id="change-current"
            label={t('security_currentPassphrase')}
            value={current}
            onInput={setCurrent}
            autoFocus
          />
          <NewPassphraseFields
            idPrefix="change"
            value={next}
            onInput={setNext}
            showProblem={tried}
          />
          {error && <ErrorNotice error={error} />}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {t('security_changeSubmit')}
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              {t('ui_cancel')}
            </button>
          </div>
        </form>
      ) : (
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setOpen(true);
            setDone(false);
          }}
        >
          {t('security_changeOpen')}
        </button>
      )}
    </div>
  );
}

function Backup({ onChange }: { onChange: () => Promise<void> }) {
  const send = useSend();
  const [error, setError] = useState<AppError | null>(null);
  // Unknown until the policy is read: no Export button meanwhile (the background refuses anyway).
  const [exportAllowed, setExportAllowed] = useState<boolean | null>(null);
  useEffect(() => {
    send({ type: 'settings.get' }).then(
      (settings) => setExportAllowed(settings.policy.rules.allowBackupExport),
      (e: unknown) => setError(asAppError(e)),
    );
  }, [send]);

  async function exportBackup() {
    setError(null);
    try {
      const { fileText } = await send({ type: 'vault.export' });
      const url = URL.createObjectURL(new Blob([fileText], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `mute-console-backup-${new Date().toISOString().slice(0, 10)}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(asAppError(e));
    }
  }

  return (
    <div class="subsection">
      <h3>{t('backup_title')}</h3>
      <p class="hint">{t('backup_hint')}</p>
      {exportAllowed === null ? null : exportAllowed ? (
        <button type="button" class="secondary" onClick={() => void exportBackup()}>
          {t('backup_export')}
        </button>
      ) : (
        <p class="hint">
          <LockIcon /> {t('policy_refuseBackupExport')}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      <h4>{t('backup_restoreTitle')}</h4>
      <ImportBackup replacing onImported={onChange} />
    </div>
  );
}
