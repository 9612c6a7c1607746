import * as z from 'zod/mini';

/** Why a vault operation failed, as data the UI turns into one clear message. */
export const VaultProblemSchema = z.enum([
  'wrong-passphrase',
  'too-many-attempts',
  'corrupted',
  'unsupported-version',
  'weak-kdf',
  'storage-failed',
  'locked',
  'already-exists',
  'no-vault',
  'bad-backup',
  /** A backup holds an app whose custom endpoint is plain http. */
  'backup-insecure-endpoint',
  /** A backup holds an app whose custom endpoint has credentials, a query or a fragment. */
  'backup-endpoint-extras',
  'weak-passphrase',
]);
export type VaultProblem = z.infer<typeof VaultProblemSchema>;

export class VaultError extends Error {
  override name = 'VaultError';
  constructor(
    readonly problem: VaultProblem,
    readonly retryAfterMs?: number,
  ) {
    super(`vault: ${problem}`);
  }
}
