import { fakeBrowser } from 'wxt/testing/fake-browser';
import { OrgPolicy } from '../../entrypoints/background/org-policy';
import { ActiveMutes } from '../../entrypoints/background/active-mutes';
import { AuditLog } from '../../entrypoints/background/audit-log';
import { BulkRunner } from '../../entrypoints/background/bulk-runner';
import { ChatService } from '../../entrypoints/background/chat-service';
import { MuteService } from '../../entrypoints/background/mute-service';
import { UndoStore } from '../../entrypoints/background/undo-store';
import { VaultService, type KeyValueArea } from '../../entrypoints/background/vault-service';
import { MIN_ITERATIONS } from '../../utils/vault/envelope';
import { applyPolicy, DEFAULT_SETTINGS } from '../../utils/settings';
import type { Profile } from '../../utils/vault/profile';
import { DEMO_APP } from './demo-seed';
import { hostMappedFetch } from './host-mapped-fetch';

export const DEMO_PROFILE: Profile = {
  id: 'demo',
  label: DEMO_APP.label,
  environment: 'production',
  endpoint: { kind: 'region', region: 'singapore' },
  sdkAppId: DEMO_APP.sdkAppId,
  adminAccount: DEMO_APP.adminAccount,
  secretKey: DEMO_APP.secretKey,
};

const unsettled: Array<() => Promise<void>> = [];

/**
 * Lets every batched write of the services built so far land, so none lands in the next
 * test's fresh storage (call in afterEach).
 */
export async function settleBackgroundServices(): Promise<void> {
  await Promise.all(unsettled.splice(0).map((settle) => settle()));
}

/**
 * The background's services wired as in main(), over the fake browser's storage, talking to
 * the emulator through a host-preserving fetch. Call after fakeBrowser.reset(); `fresh: false`
 * builds a second set over the same storage, as a restarted worker would.
 */
export async function backgroundServices(
  emulatorPort: number,
  {
    profile = DEMO_PROFILE,
    now = Date.now,
    fresh = true,
    hostAccess,
    policy,
  }: {
    profile?: Profile;
    now?: () => number;
    fresh?: boolean;
    /** The browser's host permissions (all granted when not given). */
    hostAccess?: (origins: string[]) => boolean;
    /** What storage.managed holds (the organisation's policy); none when not given. */
    policy?: unknown;
  } = {},
) {
  const local = fakeBrowser.storage.local as unknown as KeyValueArea;
  const session = fakeBrowser.storage.session as unknown as KeyValueArea;
  const vault = new VaultService({ local, session, iterations: MIN_ITERATIONS });
  if (fresh) {
    await vault.create('correct horse battery staple');
    await vault.update(() => ({ profiles: [profile], defaultProfileId: profile.id }));
  }
  const chat = new ChatService({
    fetch: hostMappedFetch(emulatorPort),
    now,
    ...(hostAccess ? { hasHostAccess: async (origins: string[]) => hostAccess(origins) } : {}),
  });
  const audit = new AuditLog({
    area: local,
    watch: (listener) =>
      fakeBrowser.storage.onChanged.addListener((changes, area) => {
        if (area === 'local') listener(changes);
      }),
    settings: async () => DEFAULT_SETTINGS,
    now,
  });
  const orgPolicy = new OrgPolicy(async () => policy ?? {});
  const registry = new ActiveMutes(now);
  const undo = new UndoStore(session, now);
  const mute = new MuteService({
    vault,
    chat,
    audit,
    registry,
    undo,
    settings: async () => applyPolicy(DEFAULT_SETTINGS, await orgPolicy.current()),
    now,
  });
  const bulk = new BulkRunner({ session, mute, audit, alarms: fakeBrowser.alarms, now });
  // Pending batched writes land before the next test resets storage (listing the log flushes it).
  unsettled.push(
    () => registry.flush(),
    async () => void (await audit.list()),
  );
  return { vault, chat, audit, registry, undo, mute, bulk, session, policy: orgPolicy };
}
