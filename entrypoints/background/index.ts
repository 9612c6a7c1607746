import { browser, defineBackground } from '#imports';
import { setSecretSource } from '../../utils/log';
import { configureZod } from '../../utils/zod-setup';
import { ActiveMutes } from './active-mutes';
import { AuditLog } from './audit-log';
import { AutoLock } from './auto-lock';
import { BADGE_ALARM, updateBadge } from './badge';
import { BULK_ALARM, BulkRunner } from './bulk-runner';
import { ChatService } from './chat-service';
import { createHandlers } from './handlers';
import { MuteService } from './mute-service';
import { createRouter } from './router';
import type { Services } from './services';
import { createSettingsStore } from './settings-store';
import { UndoStore } from './undo-store';
import { VaultService } from './vault-service';

export default defineBackground({
  type: 'module',
  main() {
    configureZod();
    const now = Date.now;
    const local = browser.storage.local;
    const session = browser.storage.session;
    const settings = createSettingsStore();
    const vault = new VaultService({ local, session });
    const chat = new ChatService();
    const autoLock = new AutoLock({
      vault,
      session,
      alarms: browser.alarms,
      settings: () => settings.get(),
    });
    const audit = new AuditLog(() => settings.get(), now);
    const registry = new ActiveMutes(now);
    const undo = new UndoStore(session, now);
    const mute = new MuteService({ vault, chat, audit, registry, undo, now });
    const bulk = new BulkRunner({ session, mute, alarms: browser.alarms, now });

    const refreshBadge = async () => {
      const state = await vault.state();
      const current = state === 'unlocked' ? (await vault.data()).defaultProfileId : null;
      await updateBadge(
        {
          setText: (text) => browser.action.setBadgeText({ text }),
          setColor: (color) => browser.action.setBadgeBackgroundColor({ color }),
          alarms: browser.alarms,
          now,
        },
        current === null ? [] : await registry.list(current),
        current,
      );
    };
    registry.onChange(() => void refreshBadge());

    const services: Services = {
      vault,
      chat,
      autoLock,
      settings,
      mute,
      registry,
      undo,
      audit,
      bulk,
      session,
      hasHostAccess: (pattern) => browser.permissions.contains({ origins: [pattern] }),
      refreshBadge,
      now,
    };
    setSecretSource(() => vault.secretsInMemory());

    vault.onChange((unlocked) => {
      if (!unlocked) chat.clear();
      void autoLock.onVaultChange(unlocked);
      void refreshBadge();
      if (unlocked) void bulk.resume();
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

    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === BULK_ALARM) void bulk.resume();
      else if (alarm.name === BADGE_ALARM) void refreshBadge();
      else void autoLock.onAlarm(alarm.name);
    });
    browser.idle.onStateChanged.addListener((state) => void autoLock.onIdleState(state));
    browser.runtime.onStartup.addListener(() => void vault.lock());
    browser.runtime.onInstalled.addListener(({ reason }) => {
      if (reason === 'install') void browser.runtime.openOptionsPage();
    });
    // A timeout that passed while the worker was stopped locks before anything else runs;
    // a bulk job the previous worker was running carries on.
    void autoLock.enforce().then(() => bulk.resume());
  },
});
