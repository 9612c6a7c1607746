import { browser, defineBackground } from '#imports';
import { t } from '../../utils/i18n';
import { createLogger } from '../../utils/log';
import { setSecretSource } from '../../utils/log';
import { readSelection } from '../../utils/tab-selection';
import { configureZod } from '../../utils/zod-setup';
import { ActiveMutes } from './active-mutes';
import { AuditDelivery, DELIVERY_ALARM } from './audit-delivery';
import { AuditLog } from './audit-log';
import { AutoLock } from './auto-lock';
import { BADGE_ALARM, updateBadge } from './badge';
import { BULK_ALARM, BulkRunner } from './bulk-runner';
import { ChatService } from './chat-service';
import { createHandlers } from './handlers';
import { createMenus, menuIntent } from './menus';
import { MuteService } from './mute-service';
import { PickerLauncher } from './picker';
import { QuickActions } from './quick-actions';
import { dropGrantedOrigins, Sites } from './sites';
import { createRouter } from './router';
import type { Services } from './services';
import { createSettingsStore } from './settings-store';
import { OrgPolicy } from './org-policy';
import { applyPolicy } from '../../utils/settings';
import { presetsWithin } from '../../utils/mute/decision';
import { bulkSummary } from '../../utils/audit/outbox';
import { destinationInForce } from '../../utils/audit/destination';
import { UndoStore } from './undo-store';
import { VaultService } from './vault-service';
import { wakeGuards } from './wake';

const log = createLogger('background');

/** Notifications that offer Undo are named by it: `undo:<undo id>`. */
const UNDO_NOTIFICATION = 'undo:';

export default defineBackground({
  type: 'module',
  main() {
    configureZod();
    const now = Date.now;
    const local = browser.storage.local;
    const session = browser.storage.session;
    const settings = createSettingsStore();
    // The organisation's policy (storage.managed), applied on top of the operator's settings.
    const policy = new OrgPolicy(() => browser.storage.managed.get());
    const effectiveSettings = async () => applyPolicy(await settings.get(), await policy.current());
    const vault = new VaultService({ local, session });
    const hasHostAccess = (origins: string[]) => browser.permissions.contains({ origins });
    const chat = new ChatService({ hasHostAccess });
    const autoLock = new AutoLock({
      vault,
      session,
      alarms: browser.alarms,
      settings: effectiveSettings,
    });
    // Never rejects: every way in checks the lock again anyway.
    const startup = vault
      .reconcile()
      .then(() => autoLock.enforce())
      .catch((error: unknown) => log.error('start-up check failed', error));
    const guards = wakeGuards({ startup, autoLock });
    const awake = guards.awake;
    const audit = new AuditLog({
      area: local,
      // storage.local's own event, not storage.onChanged: a listener for every area makes
      // Chromium start a stopped worker for each write to storage.session too (the bulk job's
      // progress, twice a second), so a worker stopped mid-run started again at once.
      watch: (listener) => browser.storage.local.onChanged.addListener(listener),
      settings: () => settings.get(),
      now,
    });
    // Every finished entry (and bulk run) goes on to the team's destination, if one is set.
    const delivery = new AuditDelivery({
      area: local,
      destination: async () => {
        const view = await policy.current();
        // Locked now, or between the two reads: not known.
        const data = await vault.data().catch(() => null);
        if (data === null) return 'locked';
        return destinationInForce(data.delivery ?? null, {
          set: view.setKeys.includes('auditDestination'),
          destination: view.rules.auditDestination,
        });
      },
      hasHostAccess,
      fetch: (input, init) => fetch(input, init),
      alarms: browser.alarms,
      now,
    });
    audit.onEntry(
      (entry) =>
        void delivery
          .record(entry)
          .catch((error: unknown) => log.error('could not queue an entry for delivery', error)),
    );
    const registry = new ActiveMutes(now);
    const undo = new UndoStore(session, now);
    const mute = new MuteService({
      vault,
      chat,
      audit,
      registry,
      undo,
      settings: effectiveSettings,
      now,
    });
    const bulk = new BulkRunner({
      session,
      mute,
      audit,
      alarms: browser.alarms,
      now,
      onRunEnded: async (job) => {
        const app = (await vault.data()).profiles.find((p) => p.id === job.profileId);
        if (!app) return;
        const { moderatorName } = await effectiveSettings();
        await delivery.recordBulk(bulkSummary(job, app, moderatorName, now()));
      },
    });
    /** After a restart or an unlock: the bulk job carries on, then what an earlier worker left
     * without an outcome is settled by reading the users' states. */
    let pickingUp: Promise<void> | null = null;
    const pickUp = () =>
      (pickingUp ??= (async () => {
        await bulk.resume();
        await mute.resolveUnknown((entryId) => bulk.owns(entryId));
        // What was recorded just before a stop but never handed to the delivery goes now.
        await delivery.catchUp((since) => audit.finishedSince(since));
      })()
        .catch((error: unknown) => log.error('could not pick up after a restart', error))
        .finally(() => {
          pickingUp = null;
        }));
    const sites = new Sites({
      scripting: browser.scripting,
      siteRules: async () => (await policy.current()).rules,
      hasOrigin: (pattern) => hasHostAccess([pattern]),
      dropGrantedOrigins: () =>
        dropGrantedOrigins(
          browser.permissions,
          (browser.runtime.getManifest() as { host_permissions?: string[] }).host_permissions ?? [],
        ),
    });
    const picker = new PickerLauncher({
      sites,
      session,
      hasOrigin: (pattern) => hasHostAccess([pattern]),
      inject: async (tabId, file) => {
        await browser.scripting.executeScript({ target: { tabId }, files: [`/${file}`] as never });
      },
    });
    const quickActions = new QuickActions({
      vault,
      mute,
      sites,
      settings: effectiveSettings,
      session,
      undoRecords: () => undo.live(),
      now,
      openWindow: async (existingId) => {
        if (existingId !== null) {
          const existing = await browser.windows.get(existingId).catch(() => null);
          if (existing?.id !== undefined) {
            await browser.windows.update(existing.id, { focused: true });
            return existing.id;
          }
        }
        const created = await browser.windows.create({
          url: browser.runtime.getURL('/quick-action.html'),
          type: 'popup',
          width: 440,
          height: 620,
          focused: true,
        });
        return created?.id ?? null;
      },
      notify: async (title, message, undoId) => {
        const options = {
          type: 'basic' as const,
          iconUrl: browser.runtime.getURL('/icon/128.png'),
          title,
          message,
        };
        if (!undoId) {
          await browser.notifications.create(options);
          return;
        }
        // Undo where the action happened: Chrome's notification button; Firefox has no
        // buttons, so a click on the notification opens the action window on that Undo.
        await browser.notifications.create(`${UNDO_NOTIFICATION}${undoId}`, {
          ...options,
          ...(import.meta.env.FIREFOX ? {} : { buttons: [{ title: t('result_undo') }] }),
        });
      },
    });

    const refreshBadge = async () => {
      const state = await vault.state();
      const current = state === 'unlocked' ? (await vault.data()).defaultProfileId : null;
      await updateBadge(
        {
          setText: (text) => browser.action.setBadgeText({ text }),
          setColor: (color) => browser.action.setBadgeBackgroundColor({ color }),
          setTitle: (title) => browser.action.setTitle({ title }),
          alarms: browser.alarms,
          now,
        },
        current === null ? [] : await registry.list(current),
        current,
        audit.health().failingSince !== null,
      );
    };
    registry.onChange(() => void refreshBadge());
    audit.onHealthChange(() => void refreshBadge());
    // The menu offers only the presets the organisation allows.
    const refreshMenus = async () => {
      const current = await effectiveSettings();
      await createMenus(browser.contextMenus, presetsWithin(current.presets, current.policy.rules));
    };

    const services: Services = {
      vault,
      chat,
      autoLock,
      settings,
      policy,
      effectiveSettings,
      mute,
      registry,
      undo,
      audit,
      delivery,
      bulk,
      sites,
      quickActions,
      picker,
      session,
      hasHostAccess,
      refreshBadge,
      refreshMenus: () => refreshMenus(),
      now,
    };
    setSecretSource(() => [...vault.secretsInMemory(), ...policy.secrets()]);

    vault.onChange((unlocked) => {
      if (!unlocked) chat.clear();
      void autoLock.onVaultChange(unlocked);
      void refreshBadge();
      if (unlocked) {
        void pickUp();
        // The destination is in the vault: what waited for the unlock goes now.
        delivery.kick();
      }
    });

    const route = createRouter({
      handlers: createHandlers(services),
      senderContext: async () => {
        const siteFor = await sites.pageMatcher();
        return {
          extensionId: browser.runtime.id,
          extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
          isEnabledPage: (url) => siteFor(url) !== null,
        };
      },
      beforeEach: guards.beforeRequest,
    });
    browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
      void route(message, sender).then(sendResponse);
      return true;
    });

    // Selection menu and keyboard shortcut.
    const onMenuClicked = async (
      info: { menuItemId: string | number; selectionText?: string },
      tab?: { url?: string },
    ) => {
      const intent = menuIntent(info.menuItemId);
      if (!intent) return;
      await quickActions.start({
        ...intent,
        selection: info.selectionText ?? '',
        source: 'menu',
        ...(tab?.url ? { pageUrl: tab.url } : {}),
      });
    };
    const onCommand = async (command: string, tab?: { id?: number; url?: string }) => {
      if (command !== 'mute-selection' || tab?.id === undefined) return;
      await quickActions.start({
        kind: 'mute',
        seconds: (await settings.get()).defaultSeconds,
        selection: await readSelection(browser.scripting, tab.id),
        source: 'shortcut',
        ...(tab.url ? { pageUrl: tab.url } : {}),
      });
    };
    const undoIdOf = (notificationId: string) =>
      notificationId.startsWith(UNDO_NOTIFICATION)
        ? notificationId.slice(UNDO_NOTIFICATION.length)
        : null;
    const onNotificationButton = async (notificationId: string, buttonIndex: number) => {
      const undoId = undoIdOf(notificationId);
      if (undoId === null || buttonIndex !== 0) return;
      await browser.notifications.clear(notificationId);
      await quickActions.undoNow(undoId);
    };
    const onNotificationClicked = async (notificationId: string) => {
      const undoId = undoIdOf(notificationId);
      if (undoId === null) return;
      await browser.notifications.clear(notificationId);
      await quickActions.openUndo(undoId);
    };
    const handlers = {
      onMenuClicked: awake(onMenuClicked, true),
      onCommand: awake(onCommand, true),
      onNotificationButton: awake(onNotificationButton, true),
      onNotificationClicked: awake(onNotificationClicked, true),
    };
    browser.notifications.onButtonClicked?.addListener(
      (id, index) => void handlers.onNotificationButton(id, index),
    );
    browser.notifications.onClicked.addListener((id) => void handlers.onNotificationClicked(id));
    browser.contextMenus.onClicked.addListener(
      (info, tab) => void handlers.onMenuClicked(info, tab),
    );
    browser.commands.onCommand.addListener((command, tab) => void handlers.onCommand(command, tab));
    // The same handlers, reachable only from inside this worker: E2E drives them through CDP,
    // since a browser's native menu and shortcuts cannot be driven headless.
    (globalThis as { muteConsoleHandlers?: unknown }).muteConsoleHandlers = handlers;

    // Host access granted from a click (the popup may have closed by then): operator sites get
    // their scripts, and a bulk job paused for access carries on.
    const onAccessAdded = awake(async () => {
      await Promise.all([sites.syncRegistrations(), picker.injectIfAllowed(), bulk.resume()]);
      await delivery.retryNow();
    }, false);
    browser.permissions.onAdded.addListener(() => void onAccessAdded());
    browser.permissions.onRemoved.addListener(() => void sites.syncRegistrations());

    const onAlarm = awake(async (name: string) => {
      if (name === BULK_ALARM) await bulk.resume();
      else if (name === BADGE_ALARM) await refreshBadge();
      else if (name === DELIVERY_ALARM) delivery.kick();
      else await autoLock.onAlarm(name);
    }, false);
    browser.alarms.onAlarm.addListener((alarm) => void onAlarm(alarm.name));
    browser.idle.onStateChanged.addListener((state) => void autoLock.onIdleState(state));
    browser.runtime.onStartup.addListener(() => void vault.lock());
    // Chrome reads policy files again while it runs; a stricter auto-lock applies at once.
    policy.onChange(() => {
      void autoLock.onSettingsChange();
      // A destination the policy set or changed: what waits goes there now.
      void delivery.retryNow();
      void refreshMenus();
      void sites.syncRegistrations();
    });
    browser.storage.managed.onChanged?.addListener(() => void policy.changed());
    browser.runtime.onInstalled.addListener(({ reason }) => {
      void refreshMenus();
      void sites.syncRegistrations();
      if (reason === 'install') void browser.runtime.openOptionsPage();
    });
    // A passphrase change a stopped worker left half done is settled, and a timeout that passed
    // while the worker was stopped locks, before anything else runs; a bulk job the previous
    // worker was running carries on.
    void startup.then(pickUp).then(() => delivery.kick());
  },
});
