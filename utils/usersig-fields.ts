import * as z from 'zod/mini';

/**
 * The signed fields of a UserSig: which app, which admin, when it was minted (Unix seconds)
 * and its lifetime in seconds. Safe to show for diagnostics; the UserSig itself is not.
 * Kept apart from the signer so pages can use it without pulling in the crypto library.
 */
export const UserSigFieldsSchema = z.object({
  sdkAppId: z.int(),
  identifier: z.string().check(z.maxLength(64)),
  time: z.int(),
  expire: z.int(),
});
export type UserSigFields = z.infer<typeof UserSigFieldsSchema>;
