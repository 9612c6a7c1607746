import { useEffect, useState } from 'preact/hooks';
import { useSend } from '../../components/background';
import { AppSwitcher } from '../../components/AppSwitcher';
import { builtInReasons } from '../../components/ReasonField';
import { t, uiLocale } from '../../utils/i18n';
import type { ResponseOf, VaultStatus } from '../../utils/messages/protocol';
import { formatDateTime } from '../../utils/mute/durations';
import type { EffectiveSettings } from '../../utils/settings';
import type { ProfileMeta } from '../../utils/vault/profile';
import { ActiveTab } from './ActiveTab';
import { BulkTab } from './BulkTab';
import { MuteTab } from './MuteTab';
import { ThisSite } from './ThisSite';

type Tab = 'mute' | 'active' | 'bulk';

/** The unlocked popup: the current app, Lock, and the Mute / Active / Bulk tabs. */
export function MainView(props: {
  status: VaultStatus;
  settings: EffectiveSettings;
  current: ProfileMeta;
  /** Another app for the popup only. */
  onSwitch: (id: string) => void;
  onStatusChange: () => Promise<void>;
}) {
  const send = useSend();
  const [tab, setTab] = useState<Tab>('mute');
  const settings = props.settings;
  const [activeCount, setActiveCount] = useState<number | null>(null);
  const [auditHealth, setAuditHealth] = useState<ResponseOf<'audit.health'> | null>(null);

  const currentId = props.current.id;
  useEffect(() => {
    void send({ type: 'activeMutes.list', profileId: currentId }).then((list) =>
      setActiveCount(list.length),
    );
  }, [send, currentId, tab]);
  useEffect(() => {
    void send({ type: 'audit.health' }).then(setAuditHealth);
  }, [send, tab]);

  const tabs: Array<[Tab, string]> = [
    ['mute', t('tab_mute')],
    ['active', activeCount === null ? t('tab_active') : t('tab_activeCount', String(activeCount))],
    ['bulk', t('tab_bulk')],
  ];

  function onTabKey(event: KeyboardEvent) {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const index = tabs.findIndex(([id]) => id === tab);
    const next = tabs[(index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (next) {
      setTab(next[0]);
      document.getElementById(`tab-${next[0]}`)?.focus();
    }
  }

  return (
    <main class="popup-main">
      {/* The app's name and badge head the popup visibly; this names it for a screen reader. */}
      <h1 class="visually-hidden">{t('extName')}</h1>
      <header class="popup-header">
        <AppSwitcher
          profiles={props.status.profiles}
          current={props.current}
          defaultId={props.status.defaultProfileId}
          onChange={props.onSwitch}
          onMakeDefault={(id) =>
            void send({ type: 'profiles.setDefault', id }).then(props.onStatusChange)
          }
        />
        <button
          type="button"
          class="secondary"
          onClick={() => void send({ type: 'vault.lock' }).then(props.onStatusChange)}
        >
          {t('ui_lock')}
        </button>
      </header>
      {auditHealth?.failingSince != null && (
        <p class="notice warning" role="alert">
          {t(
            auditHealth.quota ? 'audit_writeFailingFull' : 'audit_writeFailing',
            formatDateTime(auditHealth.failingSince, uiLocale()),
          )}
        </p>
      )}
      <div class="tabs" role="tablist" aria-label={t('extName')} onKeyDown={onTabKey}>
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {settings &&
          (tab === 'mute' ? (
            <MuteTab
              key={props.current.id}
              profile={props.current}
              settings={settings}
              reasons={settings.reasonPresets ?? builtInReasons()}
              onActiveChange={(delta) =>
                setActiveCount((n) => (n === null ? n : Math.max(0, n + delta)))
              }
            />
          ) : tab === 'active' ? (
            <ActiveTab key={props.current.id} profile={props.current} onCount={setActiveCount} />
          ) : (
            <BulkTab
              profile={props.current}
              profiles={props.status.profiles}
              settings={settings}
              reasons={settings.reasonPresets ?? builtInReasons()}
            />
          ))}
      </section>
      <footer class="popup-footer">
        <ThisSite />
      </footer>
    </main>
  );
}
