import * as z from 'zod/mini';
import { DestinationSchema } from '../audit/destination';
import { EndpointSchema } from '../chat-api/endpoint';
import { UserIdSchema } from '../mute/user-id';

export const EnvironmentSchema = z.enum(['production', 'staging', 'test']);
export type Environment = z.infer<typeof EnvironmentSchema>;

/** An SDKAppID: an unsigned 32-bit integer. */
export const SdkAppIdSchema = z.int().check(z.minimum(1), z.maximum(4294967295));

/** Admin accounts follow the UserID rules: 1–32 bytes of printable ASCII. */
export const AdminAccountSchema = UserIdSchema;

/** What identifies and describes an app profile, without its secret. Safe to show anywhere. */
export const ProfileMetaSchema = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  label: z.string().check(z.trim(), z.minLength(1), z.maxLength(60)),
  environment: EnvironmentSchema,
  endpoint: EndpointSchema,
  sdkAppId: SdkAppIdSchema,
  adminAccount: AdminAccountSchema,
});
export type ProfileMeta = z.infer<typeof ProfileMetaSchema>;

/** A whole profile, secret key included. Exists only inside the vault and the worker. */
export const ProfileSchema = z.extend(ProfileMetaSchema, {
  secretKey: z.string().check(z.minLength(1), z.maxLength(512)),
});
export type Profile = z.infer<typeof ProfileSchema>;

/** What the vault encrypts. */
export const VaultDataSchema = z.strictObject({
  profiles: z.array(ProfileSchema).check(z.maxLength(100)),
  defaultProfileId: z.nullable(z.string()),
  /** Where the audit log is delivered (the operator's; a policy's comes on top). */
  delivery: z.optional(DestinationSchema),
});
export type VaultData = z.infer<typeof VaultDataSchema>;

export const EMPTY_VAULT: VaultData = { profiles: [], defaultProfileId: null };

/**
 * Which app an action lands on, the same for every path: the first preferred app that exists
 * (the app the page shows, the site's app, the one an action was started with), else the
 * default app, else the first.
 */
export function chooseApp<P extends { id: string }>(
  profiles: readonly P[],
  defaultProfileId: string | null,
  ...preferred: Array<string | null | undefined>
): P | undefined {
  for (const id of [...preferred, defaultProfileId]) {
    const found = id ? profiles.find((p) => p.id === id) : undefined;
    if (found) return found;
  }
  return profiles[0];
}

/** The profile's metadata, the secret left behind. */
export function toMeta({ secretKey: _secret, ...meta }: Profile): ProfileMeta {
  return meta;
}
