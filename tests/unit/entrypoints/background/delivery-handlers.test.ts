import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AuditDelivery } from '../../../../entrypoints/background/audit-delivery';
import { deliveryHandlers } from '../../../../entrypoints/background/handlers/delivery';
import { OrgPolicy } from '../../../../entrypoints/background/org-policy';
import type { Services } from '../../../../entrypoints/background/services';
import { VaultService, type KeyValueArea } from '../../../../entrypoints/background/vault-service';
import { MIN_ITERATIONS } from '../../../../utils/vault/envelope';

const ctx = { senderKind: 'extension-page' } as never;
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXSECRETPART';
const KEY = 'a-shared-signing-key-of-32-chars';

beforeEach(() => fakeBrowser.reset());

/** The delivery handlers over a real vault and queue (nothing is sent: no destination answers). */
async function setUp(policy: unknown = {}) {
  const local = fakeBrowser.storage.local as unknown as KeyValueArea;
  const session = fakeBrowser.storage.session as unknown as KeyValueArea;
  const vault = new VaultService({ local, session, iterations: MIN_ITERATIONS });
  await vault.create('correct horse battery staple');
  const orgPolicy = new OrgPolicy(async () => policy);
  const granted = new Set<string>();
  const hasHostAccess = async (origins: string[]) => origins.every((o) => granted.has(o));
  const delivery = new AuditDelivery({
    area: local,
    destination: async () => null,
    hasHostAccess,
    fetch: () => Promise.reject(new Error('no network in this test')),
    alarms: { create: () => undefined, clear: () => undefined },
    now: Date.now,
  });
  const handlers = deliveryHandlers({
    vault,
    policy: orgPolicy,
    delivery,
    hasHostAccess,
  } as unknown as Services);
  const save = (request: { format: 'json' | 'slack' | 'discord'; url?: string; secret?: string }) =>
    handlers['delivery.save']({ type: 'delivery.save', ...request }, ctx);
  return { handlers, save, vault, granted };
}

describe('delivery handlers', () => {
  it('keep the URL and key in the vault and show pages only the host', async () => {
    const { save, vault, handlers, granted } = await setUp();
    const view = await save({ format: 'slack', url: SLACK });
    expect(view).toMatchObject({
      locked: false,
      managed: false,
      destination: { format: 'slack', host: 'hooks.slack.com', hasSecret: false },
      hostAccess: false,
    });
    expect(JSON.stringify(view)).not.toContain('SECRETPART');
    expect((await vault.data()).delivery).toEqual({ format: 'slack', url: SLACK });
    // The logger redacts what the vault holds in memory: the URL is among it.
    expect(vault.secretsInMemory()).toContain(SLACK);

    await save({ format: 'json', url: 'https://audit.corp.example/audit', secret: KEY });
    expect(vault.secretsInMemory()).toContain(KEY);
    granted.add('https://audit.corp.example/*');
    const json = await handlers['delivery.get']({ type: 'delivery.get' }, ctx);
    expect(json.hostAccess).toBe(true);
    expect(JSON.stringify(json)).not.toContain(KEY);
  });

  it.each([
    ['http://hooks.slack.com/services/x', 'delivery-url-insecure'],
    ['hooks.slack.com/services/x', 'delivery-url-malformed'],
    ['https://me:pw@hooks.slack.com/services/x', 'delivery-url-credentials'],
  ])('refuse %s (%s), storing nothing', async (url, field) => {
    const { save, vault } = await setUp();
    await expect(save({ format: 'slack', url })).rejects.toMatchObject({
      appError: { kind: 'invalid-input', field },
    });
    expect((await vault.data()).delivery).toBeUndefined();
  });

  it('want a signing key of 16 characters for JSON, keep the stored URL on an edit, and the key only for that URL', async () => {
    const { save, vault } = await setUp();
    const url = 'https://audit.corp.example/audit';
    await expect(save({ format: 'json', url })).rejects.toMatchObject({
      appError: { field: 'delivery-secret' },
    });
    await expect(save({ format: 'json', url, secret: 'short' })).rejects.toMatchObject({
      appError: { field: 'delivery-secret' },
    });
    await save({ format: 'json', url, secret: KEY });
    // A new key alone, the URL left empty: the URL stays.
    await save({ format: 'json', secret: 'another-key-of-enough-length' });
    expect((await vault.data()).delivery).toEqual({
      format: 'json',
      url,
      secret: 'another-key-of-enough-length',
    });
    // A new URL wants its own key: one collector's key never signs for another.
    await expect(
      save({ format: 'json', url: 'https://audit2.corp.example/in' }),
    ).rejects.toMatchObject({
      appError: { field: 'delivery-secret' },
    });
    // Another format needs its own URL.
    await expect(save({ format: 'slack' })).rejects.toMatchObject({
      appError: { field: 'delivery-url-malformed' },
    });
  });

  it('under a policy: its format and URL, the moderator’s key; the URL a page sends is ignored', async () => {
    const { save, vault } = await setUp({
      version: 1,
      auditDestination: { format: 'json', url: 'https://collector.corp.example/audit' },
    });
    const view = await save({ format: 'slack', url: SLACK, secret: KEY });
    expect(view).toMatchObject({
      managed: true,
      destination: { format: 'json', host: 'collector.corp.example', hasSecret: true },
    });
    expect((await vault.data()).delivery).toEqual({
      format: 'json',
      url: 'https://collector.corp.example/audit',
      secret: KEY,
    });
  });

  it('under a policy: a key saved for another destination is not used, and Stop is refused', async () => {
    const { save, handlers, vault } = await setUp({
      version: 1,
      auditDestination: { format: 'json', url: 'https://collector.corp.example/audit' },
    });
    // The moderator's own destination from before the policy, with its key.
    await vault.update((data) => ({
      ...data,
      delivery: { format: 'json', url: 'https://mine.example/in', secret: KEY },
    }));
    const view = await handlers['delivery.get']({ type: 'delivery.get' }, ctx);
    expect(view.destination).toMatchObject({ host: 'collector.corp.example', hasSecret: false });
    await expect(save({ format: 'json' })).rejects.toMatchObject({
      appError: { field: 'delivery-secret' },
    });
    await expect(
      handlers['delivery.remove']({ type: 'delivery.remove' }, ctx),
    ).rejects.toMatchObject({ appError: { kind: 'invalid-input', field: 'delivery-managed' } });
  });

  it('remove the destination (the queue stays, waiting for one)', async () => {
    const { save, handlers, vault } = await setUp();
    await save({ format: 'discord', url: 'https://discord.com/api/webhooks/1/x' });
    const view = await handlers['delivery.remove']({ type: 'delivery.remove' }, ctx);
    expect(view.destination).toBeNull();
    expect((await vault.data()).delivery).toBeUndefined();
  });

  it('say "locked" and nothing else while the vault is locked', async () => {
    const { handlers, vault, save } = await setUp();
    await save({ format: 'slack', url: SLACK });
    await vault.lock();
    expect(await handlers['delivery.get']({ type: 'delivery.get' }, ctx)).toMatchObject({
      locked: true,
      destination: null,
    });
  });
});
