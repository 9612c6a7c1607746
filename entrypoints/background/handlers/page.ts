import { presetsWithin } from '../../../utils/mute/decision';
import { muteLimits } from '../../../utils/policy/policy';
import { createAllowance } from '../../../utils/allowance';
import type { PageConfig } from '../../../utils/messages/protocol';
import type { ProfileMeta } from '../../../utils/vault/profile';
import { chooseApp, toMeta } from '../../../utils/vault/profile';
import type { Site } from '../../../utils/sites/site';
import { HandlerError, type Handlers, type RequestContext } from '../router';
import type { Services } from '../services';

type PageHandlers = Pick<
  Handlers,
  | 'page.config'
  | 'page.states'
  | 'page.apply'
  | 'page.undo'
  | 'page.requestUnlock'
  | 'page.requestAccess'
>;

/** State lookups a tab may make per second (IDs, not requests). */
const LOOKUPS_PER_SECOND = 20;
/** Actions a tab may take per 10 seconds. */
const ACTIONS_PER_10S = 10;

/**
 * What content scripts on enabled admin pages may ask: their configuration, the state of IDs
 * on screen, and mutes of one ID at a time. The router has already checked that the sender is
 * our content script in the top frame of an enabled page; these handlers add per-tab allowances.
 */
export function pageHandlers(services: Services): PageHandlers {
  const { vault, sites, effectiveSettings, mute, quickActions } = services;
  const lookups = createAllowance(LOOKUPS_PER_SECOND, 1000, services.now);
  const actions = createAllowance(ACTIONS_PER_10S, 10_000, services.now);

  async function siteOf(context: RequestContext): Promise<Site> {
    const site = context.sender.url ? await sites.forUrl(context.sender.url) : null;
    if (!site) throw new HandlerError({ kind: 'permission-denied' });
    return site;
  }

  function tabKey(context: RequestContext): string {
    const tab = context.sender.tab as { id?: number } | undefined;
    return String(tab?.id ?? 'unknown');
  }

  /** The page's own SDKAppID when we know it, else the site's app, else the default app. */
  async function appFor(site: Site, pageAppIds: number[]): Promise<ProfileMeta | null> {
    if ((await vault.state()) !== 'unlocked') return null;
    const data = await vault.data();
    const shown = pageAppIds
      .map((id) => data.profiles.find((p) => p.sdkAppId === id))
      .find(Boolean);
    const chosen = chooseApp(data.profiles, data.defaultProfileId, shown?.id, site.profileId);
    return chosen ? toMeta(chosen) : null;
  }

  return {
    async 'page.config'({ pageAppIds }, context): Promise<PageConfig> {
      const site = await siteOf(context);
      const app = await appFor(site, pageAppIds);
      const prefs = await effectiveSettings();
      return {
        site: { finder: site.finder, hoverOnly: site.hoverOnly },
        app: app && {
          profileId: app.id,
          label: app.label,
          environment: app.environment,
          sdkAppId: app.sdkAppId,
          adminAccount: app.adminAccount,
        },
        locked: (await vault.state()) !== 'unlocked',
        presets: presetsWithin(prefs.presets, prefs.policy.rules),
        reasons: prefs.reasonPresets,
        defaultScopes: prefs.defaultScopes,
        confirmProduction: prefs.confirmProduction,
        policy: muteLimits(prefs.policy.rules),
      };
    },
    async 'page.states'({ profileId, userIds }, context) {
      await siteOf(context);
      if (!lookups.take(tabKey(context), userIds.length))
        throw new HandlerError({ kind: 'too-fast' });
      return Promise.all(
        userIds.map(async (userId) => ({
          userId,
          view: await mute.readState(profileId, userId).catch(() => null),
        })),
      );
    },
    async 'page.apply'(request, context) {
      await siteOf(context);
      if (!actions.take(tabKey(context))) throw new HandlerError({ kind: 'too-fast' });
      return mute.apply({
        profileId: request.profileId,
        userId: request.userId,
        scopes: request.scopes,
        seconds: request.seconds,
        reason: request.reason,
        source: 'page',
        ...(context.sender.url ? { pageUrl: context.sender.url } : {}),
        undoable: true,
        confirmed: request.confirmed,
      });
    },
    async 'page.undo'({ undoId }, context) {
      await siteOf(context);
      if (!actions.take(tabKey(context))) throw new HandlerError({ kind: 'too-fast' });
      return mute.undo(undoId, 'page');
    },
    async 'page.requestUnlock'(_request, context) {
      await siteOf(context);
      await quickActions.openUnlock();
      return {};
    },
    async 'page.requestAccess'({ profileId }, context) {
      await siteOf(context);
      if (!actions.take(tabKey(context))) throw new HandlerError({ kind: 'too-fast' });
      await quickActions.openAccess(profileId);
      return {};
    },
  };
}
