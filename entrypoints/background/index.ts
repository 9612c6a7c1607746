import { browser, defineBackground } from '#imports';
import { setSecretSource } from '../../utils/log';
import { configureZod } from '../../utils/zod-setup';
import { AutoLock } from './auto-lock';
import { ChatService } from './chat-service';
import { createHandlers } from './handlers';
import { createRouter } from './router';
import type { Services } from './services';
import { createSettingsStore } from './settings-store';
import { VaultService } from './vault-service';

export default defineBackground({
  type: 'module',
  main() {
    configureZod();
    const settings = createSettingsStore();
    const vault = new VaultService({
      local: browser.storage.local,
      session: browser.storage.session,
    });
    const chat = new ChatService();
    const autoLock = new AutoLock({
      vault,
      session: browser.storage.session,
      alarms: browser.alarms,
      settings: () => settings.get(),
    });
    const services: Services = {
      vault,
      chat,
      autoLock,
      settings,
      hasHostAccess: (pattern) => browser.permissions.contains({ origins: [pattern] }),
      now: Date.now,
    };
    setSecretSource(() => vault.secretsInMemory());

    vault.onChange((unlocked) => {
      if (!unlocked) chat.clear();
      void autoLock.onVaultChange(unlocked);
    });

    const route = createRouter({
      handlers: createHandlers(services),
      senderContext: () => ({
        extensionId: browser.runtime.id,
        extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
        isEnabledPageOrigin: () => false,
      }),
      beforeEach: async () => {
        await autoLock.enforce();
        await autoLock.touch();
      },
    });
    browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
      const reply = route(message, sender);
      if (!reply) return false;
      void reply.then(sendResponse);
      return true;
    });

    browser.alarms.onAlarm.addListener((alarm) => void autoLock.onAlarm(alarm.name));
    browser.idle.onStateChanged.addListener((state) => void autoLock.onIdleState(state));
    browser.runtime.onStartup.addListener(() => void vault.lock());
    browser.runtime.onInstalled.addListener(({ reason }) => {
      if (reason === 'install') void browser.runtime.openOptionsPage();
    });
    // A timeout that passed while the worker was stopped locks before anything else runs.
    void autoLock.enforce();
  },
});
