import * as z from 'zod/mini';
import { storage } from '#imports';
import { createLogger } from '../../utils/log';
import {
  BUILT_IN_SITES,
  mergeSites,
  SiteSchema,
  hostOfPattern,
  originOfPattern,
  siteMatches,
  type Site,
} from '../../utils/sites/site';
import { validatedItem } from '../../utils/storage/validated-item';
import { pageHostPermitted, sitePermitted, type PolicyRules } from '../../utils/policy/policy';
import { HandlerError } from './router';
import { STORED, wxtKey } from '../../utils/storage/keys';

/** The organisation's rules for page sites. */
type SiteRules = Pick<PolicyRules, 'allowedSites' | 'blockedSites'>;

const log = createLogger('sites');

/** The content script file WXT builds from entrypoints/admin-pages.content. */
export const ADMIN_PAGES_SCRIPT = 'content-scripts/admin-pages.js';
const REGISTERED_PREFIX = 'site:';

export interface ScriptingLike {
  getRegisteredContentScripts(): Promise<Array<{ id: string; matches?: string[] }>>;
  registerContentScripts(
    scripts: Array<{
      id: string;
      matches: string[];
      js: string[];
      runAt: 'document_start';
      persistAcrossSessions: boolean;
      allFrames: boolean;
    }>,
  ): Promise<void>;
  unregisterContentScripts(filter: { ids: string[] }): Promise<void>;
}

export interface SitesDeps {
  scripting: ScriptingLike;
  /** The organisation's site rules, as they are now. */
  siteRules: () => Promise<SiteRules>;
  hasOrigin: (pattern: string) => Promise<boolean>;
  /** Gives back every host access granted at run time (the manifest's own stays). */
  dropGrantedOrigins: () => Promise<void>;
}

/** The permissions calls that giving back run-time host access needs. */
export interface PermissionsLike {
  getAll(): Promise<{ origins?: string[] }>;
  remove(permissions: { origins: string[] }): Promise<boolean | void>;
}

/** Gives back every host access granted at run time; what the manifest declares stays. */
export async function dropGrantedOrigins(
  permissions: PermissionsLike,
  declared: readonly string[],
): Promise<void> {
  const granted = ((await permissions.getAll()).origins ?? []).filter(
    (origin) => !declared.includes(origin),
  );
  // One at a time: Chrome lists the manifest's content-script hosts (the built-in console
  // sites) as granted but refuses to remove them, and one refusal must not keep the others.
  for (const origin of granted) await permissions.remove({ origins: [origin] }).catch(() => false);
}

/**
 * The admin pages where buttons appear: Tencent's console (built in, declared in the manifest)
 * and the operator's own sites, in `storage.local` under "sites" (version 1). Operator sites
 * get a content script registered at run time once their host access is granted, and lose it
 * when it is revoked or the site is disabled.
 */
export class Sites {
  private readonly item = validatedItem(
    storage.defineItem<unknown>(wxtKey('sites'), { version: STORED.sites.version }),
    z.array(SiteSchema),
    [],
  );
  private cache: Site[] | null = null;

  constructor(private readonly deps: SitesDeps) {}

  /**
   * After "Forget everything" (storage already wiped): no operator site keeps a content script,
   * host access or a place in memory, so no page gets buttons until it is added again.
   */
  async forget(): Promise<void> {
    this.cache = null;
    try {
      const ids = (await this.deps.scripting.getRegisteredContentScripts())
        .map((s) => s.id)
        .filter((id) => id.startsWith(REGISTERED_PREFIX));
      if (ids.length > 0) await this.deps.scripting.unregisterContentScripts({ ids });
    } finally {
      await this.deps.dropGrantedOrigins();
    }
  }

  /** False when the stored list exists and does not fit its schema. */
  readable(): Promise<boolean> {
    return this.item.readable();
  }

  /** Starts the list over (built-in sites on, no operator site): the repair when unreadable. */
  async repair(): Promise<void> {
    await this.item.reset();
    this.cache = null;
    await this.syncRegistrations();
  }

  /** Built-in sites (with the operator's overrides) followed by the operator's own. */
  async list(): Promise<Site[]> {
    if (this.cache) return this.cache;
    this.cache = mergeSites(await this.item.get());
    return this.cache;
  }

  /** The enabled site a page URL belongs to, if any (none where the organisation blocks it). */
  async forUrl(url: string): Promise<Site | null> {
    return (await this.pageMatcher())(url);
  }

  /** A quick test of page URLs against the enabled sites the organisation permits. */
  async pageMatcher(): Promise<(url: string) => Site | null> {
    const rules = await this.deps.siteRules();
    const sites = (await this.list()).filter((site) => site.enabled && sitePermitted(site, rules));
    return (url) => {
      const host = hostOf(url);
      if (host === null || !pageHostPermitted(host, rules)) return null;
      return sites.find((site) => siteMatches(site, url)) ?? null;
    };
  }

  /** Whether the organisation permits this site (an operator's: allowed, not blocked). */
  async permits(site: Site): Promise<boolean> {
    return sitePermitted(site, await this.deps.siteRules());
  }

  async save(site: Site): Promise<Site[]> {
    // Turning a site off is always allowed; only one that would run must be permitted.
    if (site.enabled && !(await this.permits(site)))
      throw new HandlerError({
        kind: 'policy',
        rule: 'site',
        host: (hostOfPattern(site.pattern) ?? site.pattern).slice(0, 253),
      });
    await this.write((sites) =>
      sites.some((s) => s.id === site.id)
        ? sites.map((s) => (s.id === site.id ? site : s))
        : [...sites, site],
    );
    return this.list();
  }

  async remove(id: string): Promise<Site[]> {
    await this.write((sites) => sites.filter((s) => s.id !== id || s.builtIn));
    return this.list();
  }

  /** Makes registered content scripts match the enabled operator sites that have host access. */
  async syncRegistrations(): Promise<void> {
    try {
      const wanted = new Map<string, string>();
      const rules = await this.deps.siteRules();
      for (const site of await this.list()) {
        const origin = originOfPattern(site.pattern);
        if (
          !site.builtIn &&
          site.enabled &&
          sitePermitted(site, rules) &&
          origin &&
          (await this.deps.hasOrigin(origin))
        ) {
          wanted.set(`${REGISTERED_PREFIX}${site.id}`, site.pattern);
        }
      }
      const registered = (await this.deps.scripting.getRegisteredContentScripts()).filter((s) =>
        s.id.startsWith(REGISTERED_PREFIX),
      );
      const stale = registered.filter((s) => wanted.get(s.id) !== s.matches?.[0]).map((s) => s.id);
      if (stale.length > 0) await this.deps.scripting.unregisterContentScripts({ ids: stale });
      const current = new Set(registered.map((s) => s.id).filter((id) => !stale.includes(id)));
      const missing = [...wanted].filter(([id]) => !current.has(id));
      if (missing.length > 0) {
        await this.deps.scripting.registerContentScripts(
          missing.map(([id, pattern]) => ({
            id,
            matches: [pattern],
            js: [ADMIN_PAGES_SCRIPT],
            runAt: 'document_start',
            persistAcrossSessions: true,
            allFrames: false,
          })),
        );
      }
    } catch (error) {
      log.error('could not register content scripts', error);
    }
  }

  /** Changes the list as stored at the moment of writing (two saves at once both land). */
  private async write(change: (sites: Site[]) => Site[]): Promise<void> {
    await this.item.update((stored) =>
      // Built-ins are stored only once the operator changed them.
      change(mergeSites(stored)).filter(
        (s) =>
          !s.builtIn ||
          JSON.stringify(s) !== JSON.stringify(BUILT_IN_SITES.find((b) => b.id === s.id)),
      ),
    );
    this.cache = null;
    await this.syncRegistrations();
  }
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}
