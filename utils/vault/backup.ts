import * as z from 'zod/mini';
import type { Envelope } from './envelope';

/** An exported backup: the encrypted record as it is stored, never a plain copy of secrets. */
export const BackupSchema = z.strictObject({
  type: z.literal('mute-console-vault-backup'),
  version: z.literal(1),
  exportedAt: z.string().check(z.maxLength(64)),
  vault: z.unknown(),
});

/** Largest backup file read: a full vault is a few tens of kilobytes. */
export const MAX_BACKUP_CHARS = 2_000_000;

export function backupFileText(envelope: Envelope, exportedAt: Date): string {
  return `${JSON.stringify(
    {
      type: 'mute-console-vault-backup',
      version: 1,
      exportedAt: exportedAt.toISOString(),
      vault: envelope,
    },
    null,
    2,
  )}\n`;
}
