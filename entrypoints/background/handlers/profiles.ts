import { ALLOW_LOOPBACK_HTTP } from '../../../utils/build-mode';
import { ChatApiError, noHostAccess } from '../../../utils/chat-api/errors';
import { parseCustomEndpoint } from '../../../utils/chat-api/endpoint';
import { hostAccessFor } from '../../../utils/chat-api/host-access';
import type { Endpoint } from '../../../utils/chat-api/endpoint';
import type { AppError } from '../../../utils/messages/app-error';
import type { ProfileInput } from '../../../utils/messages/protocol';
import { toMeta, type Profile, type VaultData } from '../../../utils/vault/profile';
import { withManagedFields } from '../../../utils/policy/policy';
import { HandlerError, type Handlers } from '../router';
import type { Services } from '../services';

type ProfileHandlers = Pick<
  Handlers,
  'profiles.save' | 'profiles.delete' | 'profiles.setDefault' | 'profiles.testConnection'
>;

export function profileHandlers(services: Services): ProfileHandlers {
  const { vault, chat } = services;

  async function findProfile(id: string): Promise<Profile> {
    const profile = (await vault.data()).profiles.find((p) => p.id === id);
    if (!profile) throw new HandlerError({ kind: 'not-found' });
    return profile;
  }

  async function requireHostAccess(endpoint: Endpoint): Promise<void> {
    const access = hostAccessFor(endpoint);
    if (!(await services.hasHostAccess(access.origins))) {
      throw new HandlerError({ kind: 'chat-api', error: noHostAccess(access) });
    }
  }

  return {
    async 'profiles.save'({ profile: given }) {
      // An app the organisation set up keeps the fields it fixed, however the form was sent.
      const input = withManagedFields(given, (await services.policy.current()).rules.apps);
      const endpoint = checkEndpoint(input.endpoint);
      // A custom endpoint whose access prompt was declined would only ever fail: not saved.
      if (endpoint.kind === 'custom') await requireHostAccess(endpoint);
      let saved: Profile | undefined;
      await vault.update((data) => {
        const result = applyProfileInput(data, { ...input, endpoint });
        saved = result.saved;
        return result.data;
      });
      return toMeta(saved as Profile);
    },
    async 'profiles.delete'({ id }) {
      await findProfile(id);
      await vault.update((data) => {
        const profiles = data.profiles.filter((p) => p.id !== id);
        const defaultProfileId =
          data.defaultProfileId === id ? (profiles[0]?.id ?? null) : data.defaultProfileId;
        return { profiles, defaultProfileId };
      });
      return {};
    },
    async 'profiles.setDefault'({ id }) {
      await findProfile(id);
      await vault.update((data) => ({ ...data, defaultProfileId: id }));
      await services.refreshBadge();
      return {};
    },
    async 'profiles.testConnection'({ id }) {
      const profile = await findProfile(id);
      const client = chat.clientFor(profile);
      const started = services.now();
      let error: AppError | undefined;
      try {
        await client.accountCheck([profile.adminAccount]);
      } catch (e) {
        if (!(e instanceof ChatApiError)) throw e;
        error = { kind: 'chat-api', error: e.data };
      }
      return {
        ok: error === undefined,
        ...(error ? { error } : {}),
        latencyMs: Math.max(0, services.now() - started),
        host: client.lastHost ?? '',
        userSig: await client.userSigFields(),
      };
    },
  };
}

/** Normalises a custom endpoint, refusing what this build may not talk to. */
function checkEndpoint(endpoint: Endpoint): Endpoint {
  if (endpoint.kind === 'region') return endpoint;
  const parsed = parseCustomEndpoint(endpoint.baseUrl, ALLOW_LOOPBACK_HTTP);
  if (!parsed.ok) throw new HandlerError({ kind: 'invalid-input', field: 'endpoint' });
  return { kind: 'custom', baseUrl: parsed.baseUrl };
}

/**
 * Adds a profile (no id) or edits one. A new profile needs a secret key; an edit without one
 * keeps the stored key. The first profile becomes the default.
 */
export function applyProfileInput(
  data: VaultData,
  input: ProfileInput,
): { data: VaultData; saved: Profile } {
  const { id, secretKey, ...fields } = input;
  if (id === undefined) {
    if (secretKey === undefined)
      throw new HandlerError({ kind: 'invalid-input', field: 'secretKey' });
    const saved: Profile = { id: crypto.randomUUID(), ...fields, secretKey };
    return {
      saved,
      data: {
        profiles: [...data.profiles, saved],
        defaultProfileId: data.defaultProfileId ?? saved.id,
      },
    };
  }
  const existing = data.profiles.find((p) => p.id === id);
  if (!existing) throw new HandlerError({ kind: 'not-found' });
  const saved: Profile = { ...existing, ...fields, secretKey: secretKey ?? existing.secretKey };
  return {
    saved,
    data: { ...data, profiles: data.profiles.map((p) => (p.id === id ? saved : p)) },
  };
}
