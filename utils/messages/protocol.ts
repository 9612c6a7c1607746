import { z } from 'zod';
import { EndpointSchema } from '../chat-api/endpoint';
import { NewPassphraseSchema, PassphraseSchema } from '../vault/passphrase';
import {
  AdminAccountSchema,
  EnvironmentSchema,
  ProfileMetaSchema,
  SdkAppIdSchema,
} from '../vault/profile';
import { SettingsPatchSchema, SettingsSchema } from '../settings';
import { UserSigFieldsSchema } from '../usersig-fields';
import { AppErrorSchema } from './app-error';

/**
 * The one protocol between the extension's pages and its background worker: a discriminated
 * union of requests keyed by `type`, and one response schema per type. The worker validates
 * every request against it; callers validate every reply.
 */

const IdSchema = z.string().min(1).max(64);

/** What the options page sends to add (no id) or edit (id) a profile. An edit without a
 * secret key keeps the stored one: the form never shows or resends it. */
export const ProfileInputSchema = z
  .object({
    id: IdSchema.optional(),
    label: z.string().trim().min(1).max(60),
    environment: EnvironmentSchema,
    endpoint: EndpointSchema,
    sdkAppId: SdkAppIdSchema,
    adminAccount: AdminAccountSchema,
    secretKey: z.string().trim().min(1).max(512).optional(),
  })
  .strict();
export type ProfileInput = z.infer<typeof ProfileInputSchema>;

export const RequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('vault.status') }).strict(),
  z.object({ type: z.literal('vault.create'), passphrase: NewPassphraseSchema }).strict(),
  z.object({ type: z.literal('vault.unlock'), passphrase: PassphraseSchema }).strict(),
  z.object({ type: z.literal('vault.lock') }).strict(),
  z
    .object({
      type: z.literal('vault.changePassphrase'),
      current: PassphraseSchema,
      next: NewPassphraseSchema,
    })
    .strict(),
  z.object({ type: z.literal('vault.export') }).strict(),
  z
    .object({
      type: z.literal('vault.import'),
      fileText: z.string().max(2_000_000),
      passphrase: PassphraseSchema,
    })
    .strict(),
  z.object({ type: z.literal('vault.forget'), confirm: z.literal(true) }).strict(),
  z.object({ type: z.literal('profiles.save'), profile: ProfileInputSchema }).strict(),
  z.object({ type: z.literal('profiles.delete'), id: IdSchema }).strict(),
  z.object({ type: z.literal('profiles.setDefault'), id: IdSchema }).strict(),
  z.object({ type: z.literal('profiles.testConnection'), id: IdSchema }).strict(),
  z.object({ type: z.literal('settings.get') }).strict(),
  z.object({ type: z.literal('settings.update'), patch: SettingsPatchSchema }).strict(),
]);
export type Request = z.infer<typeof RequestSchema>;
export type RequestType = Request['type'];
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

export const VaultStatusSchema = z.object({
  state: z.enum(['uninitialised', 'locked', 'unlocked']),
  profiles: z.array(ProfileMetaSchema),
  defaultProfileId: z.string().nullable(),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

export const ConnectionTestSchema = z.object({
  ok: z.boolean(),
  error: AppErrorSchema.optional(),
  latencyMs: z.number().min(0),
  /** The host that answered (or was tried last), for "reached adminapisgp…". */
  host: z.string().max(253),
  /** The signed fields of the UserSig used, for diagnostics; never the UserSig itself. */
  userSig: UserSigFieldsSchema.nullable(),
});
export type ConnectionTest = z.infer<typeof ConnectionTestSchema>;

const Done = z.object({}).strict();

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
  'settings.get': SettingsSchema,
  'settings.update': SettingsSchema,
} satisfies { [K in RequestType]: z.ZodType };

export type ResponseOf<T extends RequestType> = z.infer<(typeof ResponseSchemas)[T]>;

export const ReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: AppErrorSchema }),
]);
export type Reply = z.infer<typeof ReplySchema>;
