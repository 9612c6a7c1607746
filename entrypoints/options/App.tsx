import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { useSend } from '../../components/background';
import { ChangeInterruptedNotice } from '../../components/ChangeInterruptedNotice';
import { UnlockForm } from '../../components/UnlockForm';
import { StorageProblems } from './StorageProblems';
import { t } from '../../utils/i18n';
import type { VaultStatus } from '../../utils/messages/protocol';
import { AuditDeliverySection } from './AuditDeliverySection';
import { AuditLogView } from './AuditLogView';
import { CreateVault } from './CreateVault';
import { ForgetEverything } from './ForgetEverything';
import { MutePreferences } from './MutePreferences';
import { ProfileForm } from './ProfileForm';
import { ProfileList } from './ProfileList';
import { SecuritySettings } from './SecuritySettings';
import { SitesSection } from './SitesSection';
import { ManagedApps, PolicySection, usePolicy } from './PolicySection';
import { STORED } from '../../utils/storage/keys';

/** The options page: first-run setup, unlock, and managing apps and security. */
export function App() {
  const send = useSend();
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const policy = usePolicy();

  const refresh = useCallback(async () => {
    setStatus(await send({ type: 'vault.status' }));
  }, [send]);

  useEffect(() => {
    void refresh();
    // The worker may lock on its own (idle, OS lock): follow it.
    const onChanged = (changes: Record<string, unknown>) => {
      if (STORED.vaultSession.key in changes) void refresh();
    };
    browser.storage.session.onChanged.addListener(onChanged);
    return () => browser.storage.session.onChanged.removeListener(onChanged);
  }, [refresh]);

  if (!status) return <main class="page" aria-busy="true" />;

  return (
    <main class="page">
      <header class="page-header">
        <h1>
          <img src="/icon/48.png" alt="" width={32} height={32} /> {t('extName')}
        </h1>
        {status.state === 'unlocked' && (
          <button
            type="button"
            class="secondary"
            onClick={() => void send({ type: 'vault.lock' }).then(refresh)}
          >
            {t('ui_lock')}
          </button>
        )}
      </header>
      <ChangeInterruptedNotice at={status.changeInterrupted} />
      {policy && <PolicySection policy={policy} status={status} onChange={refresh} />}
      {status.state !== 'uninitialised' && <StorageProblems />}
      {status.state === 'uninitialised' && <CreateVault onCreated={refresh} />}
      {status.state === 'locked' && (
        <section class="card narrow">
          <UnlockForm
            onUnlock={async (passphrase) => {
              await send({ type: 'vault.unlock', passphrase });
              await refresh();
            }}
          />
          <ForgetEverything onForgotten={refresh} />
        </section>
      )}
      {status.state === 'unlocked' && status.profiles.length === 0 && (
        <section class="card narrow">
          <p class="step">{t('onboarding_step', ['2', '3'])}</p>
          <h2>{t('onboarding_firstAppTitle')}</h2>
          <p class="hint">{t('onboarding_firstAppHint')}</p>
          {policy && policy.rules.apps.length > 0 && (
            <ManagedApps apps={policy.rules.apps} status={status} onChange={refresh} />
          )}
          <ProfileForm profiles={[]} onSaved={refresh} />
        </section>
      )}
      {status.state === 'unlocked' && status.profiles.length > 0 && (
        <>
          <ProfileList status={status} onChange={refresh} />
          <MutePreferences />
          <SitesSection profiles={status.profiles} />
          <AuditLogView profiles={status.profiles} />
          <AuditDeliverySection />
          <SecuritySettings onChange={refresh} />
        </>
      )}
    </main>
  );
}
