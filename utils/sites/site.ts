import * as z from 'zod/mini';
import { CONSOLE_HOSTS } from './console-hosts';

/**
 * How a page shows user IDs. Sites are data: a URL pattern plus one of these, not code.
 * - selector: elements matching a CSS selector; the ID is their text, an attribute, or the
 *   first capture of a regex over that text;
 * - column: table cells under the column whose header names the UserID (the known header
 *   forms, or the operator's own regex).
 */
export const FinderSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('selector'),
    selector: z.string().check(z.minLength(1), z.maxLength(500)),
    source: z.enum(['text', 'attribute']),
    attribute: z.optional(
      z.string().check(z.maxLength(100), z.regex(/^[A-Za-z_:][-A-Za-z0-9_:.]*$/)),
    ),
    /** Applied to the text (or attribute); the first capture group, else the whole match, is the ID. */
    regex: z.optional(z.string().check(z.maxLength(200))),
  }),
  z.strictObject({
    kind: z.literal('column'),
    /**
     * A regex for the header's title text (case-insensitive, icons and tooltips left out).
     * Absent: the header forms that name the UserID (`USER_ID_HEADER_FORMS`).
     */
    header: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  }),
]);
export type Finder = z.infer<typeof FinderSchema>;

export const SiteSchema = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  label: z.string().check(z.minLength(1), z.maxLength(80)),
  /** A WebExtension match pattern such as "https://admin.example.com/*". */
  pattern: z.string().check(z.minLength(1), z.maxLength(500)),
  /** Only paths starting with one of these (the console's /im and /chat); empty means all. */
  pathPrefixes: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(10)),
  finder: FinderSchema,
  /** The app this site's pages act on when the page does not show an SDKAppID we know. */
  profileId: z.nullable(z.string().check(z.maxLength(64))),
  enabled: z.boolean(),
  hoverOnly: z.boolean(),
  builtIn: z.boolean(),
});
export type Site = z.infer<typeof SiteSchema>;

/**
 * The regex stored for the UserID column before the header forms existed (built-in sites and
 * sites added with the default header). Read as "the known header forms": it matched only
 * some of them, and only when the cell held nothing else.
 */
export const LEGACY_USER_ID_HEADER =
  '^\\s*(user\\s*id|userid|账号|帐号|用户\\s*id|用户名|ユーザー\\s*id|アカウント)\\s*$';

/** Tencent's Chat console on its three hosts: on by default, switchable off. */
export const BUILT_IN_SITES: readonly Site[] = CONSOLE_HOSTS.map((host) => ({
  id: `builtin:${host}`,
  label: host,
  pattern: `https://${host}/*`,
  pathPrefixes: ['/im', '/chat'],
  finder: { kind: 'column' },
  profileId: null,
  enabled: true,
  hoverOnly: false,
  builtIn: true,
}));

/**
 * Built-in sites (with the operator's switches), then the operator's own, from the stored list.
 * A built-in site's pattern and finder always come from this code, never from storage.
 */
export function mergeSites(stored: readonly Site[]): Site[] {
  const builtIns = BUILT_IN_SITES.map((site) => {
    const override = stored.find((s) => s.id === site.id);
    return override
      ? {
          ...site,
          enabled: override.enabled,
          hoverOnly: override.hoverOnly,
          profileId: override.profileId,
        }
      : site;
  });
  return [...builtIns, ...stored.filter((s) => !s.builtIn)];
}

/** Whether a URL falls under a site's pattern and path prefixes. */
export function siteMatches(site: Site, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (!patternMatches(site.pattern, parsed)) return false;
  return (
    site.pathPrefixes.length === 0 || site.pathPrefixes.some((p) => parsed.pathname.startsWith(p))
  );
}

/** A match pattern test for scheme://host/path patterns (with * wildcards in host and path). */
export function patternMatches(pattern: string, url: URL): boolean {
  const match = /^(\*|https?):\/\/(\*|(?:\*\.)?[^/*]+)(\/.*)$/.exec(pattern);
  if (!match) return false;
  const [, scheme, host, path] = match as unknown as [string, string, string, string];
  if (scheme === '*' ? !['http:', 'https:'].includes(url.protocol) : url.protocol !== `${scheme}:`)
    return false;
  const hostname = url.hostname;
  if (host !== '*') {
    if (host.startsWith('*.')) {
      const base = host.slice(2);
      if (hostname !== base && !hostname.endsWith(`.${base}`)) return false;
    } else if (hostname !== host.replace(/:\d+$/, '')) {
      return false;
    }
  }
  const pathRegex = new RegExp(`^${path.split('*').map(escapeRegex).join('.*')}$`);
  return pathRegex.test(url.pathname + url.search);
}

/** A match pattern's host: `admin.example.com`, `*.example.com` or `*`. */
export function hostOfPattern(pattern: string): string | null {
  return /^(?:\*|https?):\/\/([^/]+)\//.exec(pattern)?.[1] ?? null;
}

/** The origin permission a site needs, e.g. "https://admin.example.com/*". */
export function originOfPattern(pattern: string): string | null {
  const match = /^(\*|https?):\/\/(\*|(?:\*\.)?[^/*]+)\//.exec(pattern);
  return match ? `${match[1]}://${match[2]}/*` : null;
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
