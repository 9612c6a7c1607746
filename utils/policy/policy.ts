import * as z from 'zod/mini';
import { parseCustomEndpoint } from '../chat-api/endpoint';
import { ALLOW_LOOPBACK_HTTP } from '../build-mode';
import { MAX_TIMED_SECONDS } from '../mute/durations';
import { ProfileMetaSchema } from '../vault/profile';
import { DeliveryFormatSchema, parseDestinationUrl } from '../audit/destination';
import { hostOfPattern, type Site } from '../sites/site';

/**
 * The organisation's policy: what a lead sets for every moderator through the browser's
 * enterprise policy (`storage.managed`). Read here from whatever the browser hands over (Chrome
 * has already dropped values that do not fit `public/managed-schema.json`; Firefox checks
 * nothing), turned into the rules Mute Console enforces, with a warning for everything it could
 * not take as written. A rule the policy means to enforce but that is missing or unreadable gets
 * its strictest value, never its loosest.
 */

const POLICY_VERSION = 1;
export const MAX_PROTECTED_IDS = 1000;
/** The shortest "longest mute" a policy may set, and the strictest value of that rule. */
const SHORTEST_MUTE_LIMIT = 60;

/** An app the organisation preconfigures: everything but the secret key. */
const ManagedAppSchema = z.omit(ProfileMetaSchema, { id: true });
export type ManagedApp = z.infer<typeof ManagedAppSchema>;

/**
 * A protected ID: an exact UserID, or a pattern where `*` stands for any run of characters
 * (`staff_*`, `bot-*`, `*_official`). Printable ASCII, as UserIDs are.
 */
const ProtectedIdSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(64), z.regex(/^[\x20-\x7e]+$/));

/**
 * A page site as a policy names it: a host (`admin.example.com`), `*.` and a domain (the domain
 * and every subdomain, as in a match pattern), or `*` (every host).
 */
const HostPatternSchema = z
  .string()
  .check(z.maxLength(253), z.regex(/^(\*|(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)$/));

/** The name a moderator's audit entries carry: declared, not authenticated. */
export const ModeratorNameSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(40));

/**
 * Where every moderator's audit log is delivered: the format and the URL (a JSON destination's
 * signing key is entered by each moderator and kept in their vault).
 */
const AuditDestinationSchema = z.strictObject({
  format: DeliveryFormatSchema,
  url: z.string().check(
    z.maxLength(2048),
    z.refine((url) => parseDestinationUrl(url).ok),
  ),
});

/** Every rule a policy can set, by its key in the policy. */
const RULE_SCHEMAS = {
  apps: z.array(ManagedAppSchema).check(z.maxLength(50)),
  longestMuteSeconds: z.int().check(z.minimum(SHORTEST_MUTE_LIMIT), z.maximum(MAX_TIMED_SECONDS)),
  allowPermanentMutes: z.boolean(),
  confirmProduction: z.boolean(),
  longestAutoLockMinutes: z.int().check(z.minimum(1), z.maximum(1440)),
  allowBackupExport: z.boolean(),
  protectedIds: z.array(ProtectedIdSchema).check(z.maxLength(MAX_PROTECTED_IDS)),
  allowedSites: z.array(HostPatternSchema).check(z.maxLength(200)),
  blockedSites: z.array(HostPatternSchema).check(z.maxLength(200)),
  moderatorName: ModeratorNameSchema,
  auditDestination: AuditDestinationSchema,
} as const;
export type RuleKey = keyof typeof RULE_SCHEMAS;
const RULE_KEYS = Object.keys(RULE_SCHEMAS) as RuleKey[];

/** The rules in force: what the policy set, strictest values where it could not be read. */
export const PolicyRulesSchema = z.strictObject({
  /** Preconfigured apps (no secrets). */
  apps: z.array(ManagedAppSchema),
  /** No mute longer than this many seconds (permanent included); null: no limit. */
  longestMuteSeconds: z.nullable(z.int().check(z.minimum(1))),
  allowPermanentMutes: z.boolean(),
  /** True: every mute on a production app asks first, whatever the operator's setting. */
  confirmProduction: z.boolean(),
  /** Auto-lock after at most this many idle minutes; null: the operator's choice. */
  longestAutoLockMinutes: z.nullable(z.int().check(z.minimum(1))),
  allowBackupExport: z.boolean(),
  /** IDs no path mutes; `all` when the list was meant to be enforced and could not be read. */
  protectedIds: z.union([z.literal('all'), z.array(ProtectedIdSchema)]),
  /** The only hosts an operator may add page sites for; null: any. */
  allowedSites: z.nullable(z.array(HostPatternSchema)),
  /** Hosts where page buttons never run, Tencent's console included. */
  blockedSites: z.array(HostPatternSchema),
  /** The moderator's name, fixed for this browser; null: the operator's own. */
  moderatorName: z.nullable(ModeratorNameSchema),
  /** Where the audit log is delivered, fixed for this browser; null: the operator's own. */
  auditDestination: z.nullable(AuditDestinationSchema),
});
export type PolicyRules = z.infer<typeof PolicyRulesSchema>;

/** The limits every mute decision applies (utils/mute/decision.ts), as pages receive them. */
export const MuteLimitsSchema = z.strictObject({
  longestMuteSeconds: PolicyRulesSchema.shape.longestMuteSeconds,
  allowPermanentMutes: PolicyRulesSchema.shape.allowPermanentMutes,
  protectedIds: PolicyRulesSchema.shape.protectedIds,
});
export type MuteLimits = z.infer<typeof MuteLimitsSchema>;

/** The limits alone, for a page: what it needs to show the decision's refusal early. */
export function muteLimits(rules: PolicyRules): { rules: MuteLimits } {
  return {
    rules: {
      longestMuteSeconds: rules.longestMuteSeconds,
      allowPermanentMutes: rules.allowPermanentMutes,
      protectedIds: rules.protectedIds,
    },
  };
}

/** No policy: nothing preconfigured, nothing restricted. */
export const NO_POLICY: PolicyRules = {
  apps: [],
  longestMuteSeconds: null,
  allowPermanentMutes: true,
  confirmProduction: false,
  longestAutoLockMinutes: null,
  allowBackupExport: true,
  protectedIds: [],
  allowedSites: null,
  blockedSites: [],
  moderatorName: null,
  auditDestination: null,
};

/** The value a rule takes when it is meant to be enforced and cannot be read. */
const STRICTEST: { [K in RuleKey]: PolicyRules[K] } = {
  apps: [],
  longestMuteSeconds: SHORTEST_MUTE_LIMIT,
  allowPermanentMutes: false,
  confirmProduction: true,
  longestAutoLockMinutes: 1,
  allowBackupExport: false,
  protectedIds: 'all',
  allowedSites: [],
  blockedSites: ['*'],
  // A name cannot be made up: unset, and the operator's own cannot replace it (Options shows it
  // locked, with the warning).
  moderatorName: null,
  // Nowhere to deliver to: none, and the operator's own cannot replace it (locked, warned).
  auditDestination: null,
};

const PolicyWarningSchema = z.strictObject({
  kind: z.enum([
    /** Listed in `enforced` but not in the policy (Chrome drops values that fail its schema). */
    'missing',
    /** In the policy, but not of the right shape. */
    'unreadable',
    /** A key Mute Console does not know (ignored). */
    'unknown-key',
    /** `version` absent or not one this Mute Console knows. */
    'version',
    /** A protected-ID pattern that would match every ID (ignored). */
    'matches-every-id',
  ]),
  key: z.string().check(z.maxLength(80)),
});
export type PolicyWarning = z.infer<typeof PolicyWarningSchema>;

/** What the operator's pages see of the policy: whether there is one, its rules, its problems. */
export const PolicyViewSchema = z.strictObject({
  managed: z.boolean(),
  /** The rule keys the policy sets (or enforces at their strictest): locked in Options. */
  setKeys: z.array(z.enum(RULE_KEYS as [RuleKey, ...RuleKey[]])),
  rules: PolicyRulesSchema,
  warnings: z.array(PolicyWarningSchema).check(z.maxLength(40)),
});
export type PolicyView = z.infer<typeof PolicyViewSchema>;

export const NO_POLICY_VIEW: PolicyView = {
  managed: false,
  setKeys: [],
  rules: NO_POLICY,
  warnings: [],
};

const META_KEYS = new Set(['version', 'enforced']);

/** Reads what `storage.managed` holds into rules and warnings. Never throws. */
export function readPolicy(raw: unknown): PolicyView {
  if (!isRecord(raw) || Object.keys(raw).length === 0) return NO_POLICY_VIEW;
  const warnings: PolicyWarning[] = [];
  const rules: PolicyRules = { ...NO_POLICY };
  const setKeys: RuleKey[] = [];
  if (raw.version !== POLICY_VERSION)
    warnings.push({ kind: 'version', key: JSON.stringify(raw.version ?? null).slice(0, 80) });
  const enforced = new Set(
    Array.isArray(raw.enforced) ? raw.enforced.filter((k) => typeof k === 'string') : [],
  );
  if (raw.enforced !== undefined && !Array.isArray(raw.enforced))
    warnings.push({ kind: 'unreadable', key: 'enforced' });
  for (const key of Object.keys(raw)) {
    if (!META_KEYS.has(key) && !(key in RULE_SCHEMAS))
      warnings.push({ kind: 'unknown-key', key: key.slice(0, 80) });
  }
  for (const key of enforced) {
    if (!(key in RULE_SCHEMAS)) warnings.push({ kind: 'unknown-key', key: key.slice(0, 80) });
  }
  for (const key of RULE_KEYS) {
    const value = raw[key];
    if (value === undefined) {
      if (!enforced.has(key)) continue;
      warnings.push({ kind: 'missing', key });
      setRule(rules, key, STRICTEST[key]);
    } else {
      const parsed = RULE_SCHEMAS[key].safeParse(value);
      if (!parsed.success || (key === 'apps' && !appsUsable(parsed.data as ManagedApp[]))) {
        // Present but unreadable is meant, enforced or not: the strictest value, never none.
        warnings.push({ kind: 'unreadable', key });
        setRule(rules, key, STRICTEST[key]);
      } else setRule(rules, key, parsed.data);
    }
    setKeys.push(key);
  }
  if (Array.isArray(rules.protectedIds)) {
    rules.protectedIds = rules.protectedIds.filter((pattern) => {
      if (!/[^*]/.test(pattern)) {
        warnings.push({ kind: 'matches-every-id', key: pattern });
        return false;
      }
      return true;
    });
  }
  return { managed: true, setKeys, rules, warnings: warnings.slice(0, 40) };
}

/** A custom endpoint a moderator could not save (http, credentials, a query) makes the list unusable. */
function appsUsable(apps: readonly ManagedApp[]): boolean {
  return apps.every(
    (app) =>
      app.endpoint.kind !== 'custom' ||
      parseCustomEndpoint(app.endpoint.baseUrl, ALLOW_LOOPBACK_HTTP).ok,
  );
}

function setRule<K extends RuleKey>(rules: PolicyRules, key: K, value: unknown): void {
  rules[key] = value as PolicyRules[K];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The policy as extension pages receive it: a delivery destination's URL is a bearer secret
 * (a webhook's token is in its path), so pages get only its scheme and host.
 */
export function policyForPages(view: PolicyView): PolicyView {
  const destination = view.rules.auditDestination;
  if (destination === null) return view;
  const target = parseDestinationUrl(destination.url);
  return {
    ...view,
    rules: {
      ...view.rules,
      auditDestination: { ...destination, url: target.ok ? `https://${target.host}/` : '' },
    },
  };
}

/** The secrets a policy holds, for the logger's redaction: a delivery destination's URL. */
export function policySecrets(view: PolicyView): string[] {
  return view.rules.auditDestination ? [view.rules.auditDestination.url] : [];
}

/** The protected-ID pattern that covers `userId` (`all` when every ID is), or null. */
export function protectedBy(
  userId: string,
  protectedIds: PolicyRules['protectedIds'],
): string | null {
  if (protectedIds === 'all') return 'all';
  for (const pattern of protectedIds) {
    if (pattern.includes('*') ? patternRegex(pattern).test(userId) : pattern === userId)
      return pattern;
  }
  return null;
}

const compiled = new Map<string, RegExp>();

function patternRegex(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${body}$`, 's');
    compiled.set(pattern, regex);
  }
  return regex;
}

/** Whether `host` (a host name, or a match pattern's host such as `*.example.com`) fits `pattern`. */
export function hostMatches(pattern: string, host: string): boolean {
  const h = host.toLowerCase();
  const p = pattern.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) {
    const domain = p.slice(2);
    return h === domain || h.endsWith(`.${domain}`);
  }
  return h === p;
}

/** Whether page buttons may run on a page of `host` (the blocked list; the console included). */
export function pageHostPermitted(host: string, rules: Pick<PolicyRules, 'blockedSites'>): boolean {
  return !rules.blockedSites.some((pattern) => hostMatches(pattern, host));
}

/** Whether the operator may add a page site for `host`: allowed (when a list is set), not blocked. */
function siteHostPermitted(
  host: string,
  rules: Pick<PolicyRules, 'allowedSites' | 'blockedSites'>,
): boolean {
  return (
    pageHostPermitted(host, rules) &&
    (rules.allowedSites === null ||
      rules.allowedSites.some((pattern) => hostMatches(pattern, host)))
  );
}

/**
 * Whether the organisation permits page buttons for a site: an operator's site must be allowed
 * (when a list is set) and not blocked; a built-in console site, only not blocked.
 */
export function sitePermitted(
  site: Pick<Site, 'pattern' | 'builtIn'>,
  rules: Pick<PolicyRules, 'allowedSites' | 'blockedSites'>,
): boolean {
  // The host without its port: a policy names hosts.
  const host = hostOfPattern(site.pattern)?.replace(/:\d+$/, '') ?? null;
  if (host === null) return false;
  return site.builtIn ? pageHostPermitted(host, rules) : siteHostPermitted(host, rules);
}

/** The app the organisation set up with this SDKAppID, if any. */
export function managedAppFor(
  sdkAppId: number,
  apps: readonly ManagedApp[],
): ManagedApp | undefined {
  return apps.find((app) => app.sdkAppId === sdkAppId);
}

/**
 * A profile (or profile input) with the fields the organisation fixed for its SDKAppID: an app it
 * set up keeps its label, endpoint, environment and admin account however it was stored or
 * edited (a production app cannot be turned into a test one to skip its confirmation).
 */
export function withManagedFields<P extends ManagedApp>(
  profile: P,
  apps: readonly ManagedApp[],
): P {
  const app = managedAppFor(profile.sdkAppId, apps);
  return app
    ? {
        ...profile,
        label: app.label,
        endpoint: app.endpoint,
        environment: app.environment,
        adminAccount: app.adminAccount,
      }
    : profile;
}
