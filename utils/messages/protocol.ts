import * as z from 'zod/mini';
import { EndpointSchema } from '../chat-api/endpoint';
import { NewPassphraseSchema, PassphraseSchema } from '../vault/passphrase';
import {
  AdminAccountSchema,
  EnvironmentSchema,
  ProfileMetaSchema,
  SdkAppIdSchema,
} from '../vault/profile';
import { AuditEntrySchema } from '../audit/entry';
import { DeliveryStateSchema, DeliveryTestResultSchema } from '../audit/outbox';
import { DeliveryFormatSchema, DestinationViewSchema } from '../audit/destination';
import { REPAIRABLE_PARTS } from '../storage/keys';
import { ActiveMuteSchema } from '../mute/active-mute';
import { BulkJobSchema } from '../mute/bulk';
import { QuestionSchema } from '../mute/decision';
import { DurationPresetSchema, NoSpeakingSecondsSchema } from '../mute/durations';
import { ScopesSchema } from '../mute/scopes';
import { MuteStateSchema } from '../mute/state';
import { QuickActionViewSchema } from '../mute/quick-action';
import { UserIdSchema } from '../mute/user-id';
import { FinderSchema, SiteSchema } from '../sites/site';
import { EffectiveSettingsSchema, SettingsPatchSchema } from '../settings';
import { MuteLimitsSchema } from '../policy/policy';
import { UserSigFieldsSchema } from '../usersig-fields';
import { AppErrorSchema } from './app-error';

/**
 * The one protocol between the extension's pages and its background worker: a discriminated
 * union of requests keyed by `type`, and one response schema per type. The worker validates
 * every request against it; callers validate every reply.
 */

const IdSchema = z.string().check(z.minLength(1), z.maxLength(64));
const ReasonSchema = z.string().check(z.maxLength(200));
const ConfirmedSchema = z.array(QuestionSchema).check(z.maxLength(3));

/** What the options page sends to add (no id) or edit (id) a profile. An edit without a
 * secret key keeps the stored one: the form never shows or resends it. */
export const ProfileInputSchema = z.strictObject({
  id: z.optional(IdSchema),
  label: z.string().check(z.trim(), z.minLength(1), z.maxLength(60)),
  environment: EnvironmentSchema,
  endpoint: EndpointSchema,
  sdkAppId: SdkAppIdSchema,
  adminAccount: AdminAccountSchema,
  secretKey: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(512))),
});
export type ProfileInput = z.infer<typeof ProfileInputSchema>;

export const RequestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('vault.status') }),
  z.strictObject({ type: z.literal('vault.create'), passphrase: NewPassphraseSchema }),
  z.strictObject({ type: z.literal('vault.unlock'), passphrase: PassphraseSchema }),
  z.strictObject({ type: z.literal('vault.lock') }),
  z.strictObject({
    type: z.literal('vault.changePassphrase'),
    current: PassphraseSchema,
    next: NewPassphraseSchema,
  }),
  z.strictObject({ type: z.literal('vault.export') }),
  z.strictObject({
    type: z.literal('vault.import'),
    fileText: z.string().check(z.maxLength(2_000_000)),
    passphrase: PassphraseSchema,
  }),
  z.strictObject({ type: z.literal('vault.forget'), confirm: z.literal(true) }),
  z.strictObject({ type: z.literal('profiles.save'), profile: ProfileInputSchema }),
  z.strictObject({ type: z.literal('profiles.delete'), id: IdSchema }),
  z.strictObject({ type: z.literal('profiles.setDefault'), id: IdSchema }),
  z.strictObject({ type: z.literal('profiles.testConnection'), id: IdSchema }),
  z.strictObject({ type: z.literal('mute.state'), profileId: IdSchema, userId: UserIdSchema }),
  z.strictObject({
    type: z.literal('mute.apply'),
    profileId: IdSchema,
    userId: UserIdSchema,
    scopes: ScopesSchema,
    seconds: NoSpeakingSecondsSchema,
    reason: ReasonSchema,
    source: z.enum(['popup', 'menu', 'shortcut']),
    /** The questions of the one decision the operator said yes to (utils/mute/decision.ts). */
    confirmed: ConfirmedSchema,
    /** Names the storage.session entry where retry progress is reported while it runs. */
    progressId: z.optional(IdSchema),
  }),
  z.strictObject({ type: z.literal('mute.undo'), undoId: IdSchema }),
  z.strictObject({ type: z.literal('activeMutes.list'), profileId: IdSchema }),
  z.strictObject({ type: z.literal('activeMutes.refresh'), profileId: IdSchema }),
  z.strictObject({
    type: z.literal('bulk.start'),
    profileId: IdSchema,
    text: z.string().check(z.maxLength(200_000)),
    action: z.enum(['mute', 'unmute']),
    scopes: ScopesSchema,
    seconds: NoSpeakingSecondsSchema,
    reason: ReasonSchema,
  }),
  z.strictObject({ type: z.literal('bulk.status') }),
  z.strictObject({
    type: z.literal('bulk.apply'),
    jobId: IdSchema,
    /** What to do with users the dry run found muted for longer: shorten their mute, or skip them. */
    shorten: z.boolean(),
  }),
  z.strictObject({ type: z.literal('bulk.retryFailed'), jobId: IdSchema }),
  z.strictObject({ type: z.literal('bulk.cancel'), jobId: IdSchema }),
  z.strictObject({ type: z.literal('bulk.clear') }),
  z.strictObject({
    type: z.literal('audit.list'),
    userQuery: z.optional(z.string().check(z.maxLength(64))),
    profileId: z.optional(IdSchema),
    moderator: z.optional(z.string().check(z.maxLength(40))),
  }),
  z.strictObject({ type: z.literal('audit.health') }),
  z.strictObject({ type: z.literal('delivery.get') }),
  /** Where the audit log is delivered. Without a URL (a policy sets it): only the signing key. */
  z.strictObject({
    type: z.literal('delivery.save'),
    format: DeliveryFormatSchema,
    url: z.optional(z.string().check(z.maxLength(2048))),
    /** JSON's signing key; left out on an edit, the stored one is kept. */
    secret: z.optional(z.string().check(z.trim(), z.maxLength(256))),
  }),
  z.strictObject({ type: z.literal('delivery.remove') }),
  z.strictObject({ type: z.literal('delivery.retry') }),
  z.strictObject({ type: z.literal('delivery.test') }),
  z.strictObject({ type: z.literal('storage.problems') }),
  z.strictObject({ type: z.literal('storage.reset'), part: z.enum(REPAIRABLE_PARTS) }),
  z.strictObject({
    type: z.literal('page.config'),
    /** SDKAppIDs the page itself shows (URL parameters, page text), best first. */
    pageAppIds: z.array(SdkAppIdSchema).check(z.maxLength(10)),
  }),
  z.strictObject({
    type: z.literal('page.states'),
    profileId: IdSchema,
    userIds: z.array(UserIdSchema).check(z.minLength(1), z.maxLength(20)),
  }),
  z.strictObject({
    type: z.literal('page.apply'),
    profileId: IdSchema,
    userId: UserIdSchema,
    scopes: ScopesSchema,
    seconds: NoSpeakingSecondsSchema,
    reason: ReasonSchema,
    confirmed: ConfirmedSchema,
  }),
  z.strictObject({ type: z.literal('page.undo'), undoId: IdSchema }),
  z.strictObject({ type: z.literal('page.requestUnlock') }),
  /** The app's API host is out of reach: the action window asks the browser for access. */
  z.strictObject({ type: z.literal('page.requestAccess'), profileId: IdSchema }),
  z.strictObject({ type: z.literal('sites.list') }),
  z.strictObject({ type: z.literal('sites.save'), site: SiteSchema }),
  z.strictObject({ type: z.literal('sites.remove'), id: IdSchema }),
  z.strictObject({
    type: z.literal('picker.start'),
    tabId: z.int().check(z.minimum(0)),
    /** The origin pattern of the tab, e.g. "https://admin.example.com/*". */
    origin: z.string().check(z.maxLength(300)),
  }),
  z.strictObject({ type: z.literal('picker.save'), finder: FinderSchema }),
  z.strictObject({ type: z.literal('quickAction.get') }),
  z.strictObject({
    type: z.literal('quickAction.run'),
    id: IdSchema,
    /** The duration, scopes and reason shown in the window when the operator confirmed. */
    seconds: z.optional(NoSpeakingSecondsSchema),
    scopes: z.optional(ScopesSchema),
    reason: z.optional(ReasonSchema),
    /** The questions of the one decision the window showed and the operator said yes to. */
    confirmed: ConfirmedSchema,
  }),
  z.strictObject({ type: z.literal('quickAction.cancel'), id: IdSchema }),
  z.strictObject({ type: z.literal('settings.get') }),
  z.strictObject({ type: z.literal('settings.update'), patch: SettingsPatchSchema }),
]);
export type Request = z.infer<typeof RequestSchema>;
export type RequestType = Request['type'];
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

export const VaultStatusSchema = z.object({
  state: z.enum(['uninitialised', 'locked', 'unlocked']),
  profiles: z.array(ProfileMetaSchema),
  defaultProfileId: z.nullable(z.string()),
  /** When a passphrase change was found interrupted (the old passphrase still opens it). */
  changeInterrupted: z.nullable(z.number()),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

export const ConnectionTestSchema = z.object({
  ok: z.boolean(),
  error: z.optional(AppErrorSchema),
  latencyMs: z.number().check(z.minimum(0)),
  /** The host that answered (or was tried last), for "reached adminapisgp…". */
  host: z.string().check(z.maxLength(253)),
  /** The signed fields of the UserSig used, for diagnostics; never the UserSig itself. */
  userSig: z.nullable(UserSigFieldsSchema),
});
export type ConnectionTest = z.infer<typeof ConnectionTestSchema>;

export const StateViewSchema = z.strictObject({
  state: MuteStateSchema,
  /** False when the account does not exist in the app. */
  exists: z.boolean(),
  readAt: z.number(),
});
export type StateView = z.infer<typeof StateViewSchema>;

export const ApplyOutcomeSchema = z.strictObject({
  previous: z.nullable(MuteStateSchema),
  next: MuteStateSchema,
  undoId: z.nullable(z.string()),
  undoExpiresAt: z.nullable(z.number()),
});
export type ApplyOutcome = z.infer<typeof ApplyOutcomeSchema>;

/** An active mute as the popup lists it, with its undo if one is still open. */
export const ActiveMuteViewSchema = z.extend(ActiveMuteSchema, {
  undoId: z.nullable(z.string()),
  undoExpiresAt: z.nullable(z.number()),
});
export type ActiveMuteView = z.infer<typeof ActiveMuteViewSchema>;

/** The stored parts that no longer fit their schema (left as they are until reset). */
export const StorageProblemsSchema = z.strictObject({
  unreadable: z.array(z.enum(REPAIRABLE_PARTS)),
});

/** Retry progress of a running request, written to storage.session under "progress:<id>". */
export const ProgressSchema = z.strictObject({
  attempt: z.int(),
  delayMs: z.number(),
  category: z.string(),
});
export type Progress = z.infer<typeof ProgressSchema>;

/** What a page's content script needs: where IDs are, which app, and the operator's presets.
 * Never a secret: the app is described by its label, environment and SDKAppID only. */
export const PageConfigSchema = z.strictObject({
  site: z.nullable(z.strictObject({ finder: FinderSchema, hoverOnly: z.boolean() })),
  app: z.nullable(
    z.strictObject({
      profileId: z.string(),
      label: z.string(),
      environment: z.enum(['production', 'staging', 'test']),
      sdkAppId: z.int(),
      adminAccount: z.string(),
    }),
  ),
  locked: z.boolean(),
  presets: z.array(DurationPresetSchema),
  reasons: z.nullable(z.array(z.string())),
  defaultScopes: ScopesSchema,
  confirmProduction: z.boolean(),
  /** The organisation's limits: the page shows a refusal before asking the background. */
  policy: z.strictObject({ rules: MuteLimitsSchema }),
});
export type PageConfig = z.infer<typeof PageConfigSchema>;

export const PageStatesSchema = z.array(
  z.strictObject({ userId: z.string(), view: z.nullable(StateViewSchema) }),
);

/** What a quick action did, for the action window. */
export const QuickActionResultSchema = z.strictObject({
  message: z.string().check(z.maxLength(500)),
  outcome: z.nullable(ApplyOutcomeSchema),
});

const Done = z.strictObject({});

/** The audit delivery as Options shows it. */
export const DeliveryViewSchema = z.strictObject({
  /** Locked: the destination is in the vault and not known; the queue waits. */
  locked: z.boolean(),
  /** The organisation's policy sets the destination (only a JSON signing key is the operator's). */
  managed: z.boolean(),
  destination: z.nullable(DestinationViewSchema),
  /** Whether the browser lets Mute Console reach the destination's host. */
  hostAccess: z.boolean(),
  state: DeliveryStateSchema,
});
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

export const ResponseSchemas = {
  'vault.status': VaultStatusSchema,
  'vault.create': Done,
  'vault.unlock': Done,
  'vault.lock': Done,
  'vault.changePassphrase': Done,
  'vault.export': z.object({ fileText: z.string() }),
  'vault.import': Done,
  'vault.forget': Done,
  'profiles.save': ProfileMetaSchema,
  'profiles.delete': Done,
  'profiles.setDefault': Done,
  'profiles.testConnection': ConnectionTestSchema,
  'mute.state': StateViewSchema,
  'mute.apply': ApplyOutcomeSchema,
  'mute.undo': ApplyOutcomeSchema,
  'activeMutes.list': z.array(ActiveMuteViewSchema),
  'activeMutes.refresh': z.array(ActiveMuteViewSchema),
  'bulk.start': BulkJobSchema,
  'bulk.status': z.nullable(BulkJobSchema),
  'bulk.apply': BulkJobSchema,
  'bulk.retryFailed': BulkJobSchema,
  'bulk.cancel': BulkJobSchema,
  'bulk.clear': Done,
  'audit.list': z.strictObject({
    entries: z.array(AuditEntrySchema),
    moderators: z.array(z.string().check(z.maxLength(40))),
    skipped: z.int(),
    droppedForBudget: z.int(),
    bytes: z.int(),
    budgetBytes: z.int(),
    /** Entries the delivery dropped past its queue's budget: never delivered, still here. */
    undelivered: z.strictObject({ count: z.int(), lastAt: z.nullable(z.number()) }),
  }),
  'audit.health': z.strictObject({ failingSince: z.nullable(z.number()), quota: z.boolean() }),
  'delivery.get': DeliveryViewSchema,
  'delivery.save': DeliveryViewSchema,
  'delivery.remove': DeliveryViewSchema,
  'delivery.retry': DeliveryViewSchema,
  'delivery.test': DeliveryTestResultSchema,
  'storage.problems': StorageProblemsSchema,
  'storage.reset': StorageProblemsSchema,
  'page.config': PageConfigSchema,
  'page.states': PageStatesSchema,
  'page.apply': ApplyOutcomeSchema,
  'page.undo': ApplyOutcomeSchema,
  'page.requestUnlock': Done,
  'page.requestAccess': Done,
  'sites.list': z.array(SiteSchema),
  'sites.save': z.array(SiteSchema),
  'sites.remove': z.array(SiteSchema),
  'picker.start': Done,
  'picker.save': Done,
  'quickAction.get': z.nullable(QuickActionViewSchema),
  'quickAction.run': QuickActionResultSchema,
  'quickAction.cancel': Done,
  'settings.get': EffectiveSettingsSchema,
  'settings.update': EffectiveSettingsSchema,
} satisfies { [K in RequestType]: z.ZodMiniType };

export type ResponseOf<T extends RequestType> = z.infer<(typeof ResponseSchemas)[T]>;

export const ReplySchema = z.discriminatedUnion('ok', [
  /** The answer as JSON text (see the router). */
  z.object({ ok: z.literal(true), json: z.string() }),
  z.object({ ok: z.literal(false), error: AppErrorSchema }),
]);
export type Reply = z.infer<typeof ReplySchema>;
