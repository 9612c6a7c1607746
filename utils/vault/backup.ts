import { z } from 'zod';
import type { Envelope } from './envelope';

/** An exported backup: the encrypted record as it is stored, never a plain copy of secrets. */
export const BackupSchema = z
  .object({
    type: z.literal('mute-console-vault-backup'),
    version: z.literal(1),
    exportedAt: z.string().max(64),
    vault: z.unknown(),
  })
  .strict();

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
