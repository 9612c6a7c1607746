import { z } from 'zod';

/**
 * The signed fields of a UserSig: which app, which admin, when it was minted (Unix seconds)
 * and its lifetime in seconds. Safe to show for diagnostics; the UserSig itself is not.
 * Kept apart from the signer so pages can use it without pulling in the crypto library.
 */
export const UserSigFieldsSchema = z.object({
  sdkAppId: z.number().int(),
  identifier: z.string().max(64),
  time: z.number().int(),
  expire: z.number().int(),
});
export type UserSigFields = z.infer<typeof UserSigFieldsSchema>;
