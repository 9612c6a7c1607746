import { z } from 'zod';
import { EndpointSchema } from '../chat-api/endpoint';

export const EnvironmentSchema = z.enum(['production', 'staging', 'test']);
export type Environment = z.infer<typeof EnvironmentSchema>;

/** An SDKAppID: an unsigned 32-bit integer. */
export const SdkAppIdSchema = z.number().int().min(1).max(4294967295);

/** Admin accounts follow the UserID rules: 1–32 bytes of printable ASCII. */
export const AdminAccountSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[\x20-\x7e]+$/);

/** What identifies and describes an app profile, without its secret. Safe to show anywhere. */
export const ProfileMetaSchema = z
  .object({
    id: z.string().min(1).max(64),
    label: z.string().trim().min(1).max(60),
    environment: EnvironmentSchema,
    endpoint: EndpointSchema,
    sdkAppId: SdkAppIdSchema,
    adminAccount: AdminAccountSchema,
  })
  .strict();
export type ProfileMeta = z.infer<typeof ProfileMetaSchema>;

/** A whole profile, secret key included. Exists only inside the vault and the worker. */
export const ProfileSchema = ProfileMetaSchema.extend({
  secretKey: z.string().min(1).max(512),
}).strict();
export type Profile = z.infer<typeof ProfileSchema>;

/** What the vault encrypts. */
export const VaultDataSchema = z
  .object({
    profiles: z.array(ProfileSchema).max(100),
    defaultProfileId: z.string().nullable(),
  })
  .strict();
export type VaultData = z.infer<typeof VaultDataSchema>;

export const EMPTY_VAULT: VaultData = { profiles: [], defaultProfileId: null };

/** The profile's metadata, the secret left behind. */
export function toMeta({ secretKey: _secret, ...meta }: Profile): ProfileMeta {
  return meta;
}
