import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { useSend } from '../../components/background';
import { ChangeInterruptedNotice } from '../../components/ChangeInterruptedNotice';
import { UnlockForm } from '../../components/UnlockForm';
import { t } from '../../utils/i18n';
import type { VaultStatus } from '../../utils/messages/protocol';
import type { EffectiveSettings } from '../../utils/settings';
import { presetsWithin } from '../../utils/mute/decision';
import { chooseApp } from '../../utils/vault/profile';
import { MainView } from './MainView';

/** The popup's own app, kept by the popup page (an app id; checked against the vault's apps). */
const POPUP_APP_KEY = 'popupApp';

function rememberedPopupApp(): string | null {
  try {
    return localStorage.getItem(POPUP_APP_KEY);
  } catch {
    return null;
  }
}

function rememberPopupApp(id: string): void {
  try {
    localStorage.setItem(POPUP_APP_KEY, id);
  } catch {
    // Not remembered: the next popup opens on the default app.
  }
}

/** The toolbar popup. Locked: the unlock form and nothing else. */
export function App() {
  const send = useSend();
  const [popupApp, setPopupApp] = useState(rememberedPopupApp);
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const [settings, setSettings] = useState<EffectiveSettings | null>(null);
  // Both at once: the form needs the presets as soon as the vault is known to be open.
  const refresh = useCallback(async () => {
    const [nextStatus, nextSettings] = await Promise.all([
      send({ type: 'vault.status' }),
      send({ type: 'settings.get' }),
    ]);
    // The popup offers only the presets the organisation allows (it never writes the list back).
    setSettings({
      ...nextSettings,
      presets: presetsWithin(nextSettings.presets, nextSettings.policy.rules),
    });
    setStatus(nextStatus);
  }, [send]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (!status || !settings) return <main class="popup-main" aria-busy="true" />;

  if (status.state === 'uninitialised') {
    return (
      <main class="popup-main">
        <h1>{t('extName')}</h1>
        <p>{t('popup_setupText')}</p>
        <button
          type="button"
          class="primary"
          onClick={() => void browser.runtime.openOptionsPage().then(() => window.close())}
        >
          {t('popup_setupButton')}
        </button>
      </main>
    );
  }

  if (status.state === 'locked') {
    return (
      <main class="popup-main">
        <h1>{t('extName')}</h1>
        <ChangeInterruptedNotice at={status.changeInterrupted} />
        <UnlockForm
          idPrefix="popup-unlock"
          onUnlock={async (passphrase) => {
            await send({ type: 'vault.unlock', passphrase });
            await refresh();
          }}
        />
      </main>
    );
  }

  // The popup's own choice first: switching apps here never moves the default that the menu,
  // the shortcut and page buttons use (that is "Make default").
  const current = chooseApp(status.profiles, status.defaultProfileId, popupApp);
  if (!current) {
    return (
      <main class="popup-main">
        <h1>{t('extName')}</h1>
        <p>{t('popup_noApps')}</p>
        <button
          type="button"
          class="primary"
          onClick={() => void browser.runtime.openOptionsPage()}
        >
          {t('popup_addApp')}
        </button>
      </main>
    );
  }
  return (
    <MainView
      status={status}
      settings={settings}
      current={current}
      onSwitch={(id) => {
        rememberPopupApp(id);
        setPopupApp(id);
      }}
      onStatusChange={refresh}
    />
  );
}
