import * as z from 'zod/mini';
import { base64ToBytes, bytesToBase64, utf8Bytes } from '../encoding';

/**
 * The encrypted vault record: PBKDF2-SHA256 → AES-256-GCM, with the header (format, KDF,
 * iterations, salt) bound as additional authenticated data, so editing any of it — a downgrade
 * to fewer iterations, a swapped salt — makes decryption fail.
 */

/** Version of this envelope layout. Bump it only with a fixture of the old one in tests. */
export const ENVELOPE_FORMAT = 1;
/** OWASP's floor for PBKDF2-SHA256; a record asking for fewer is refused before any crypto. */
export const MIN_ITERATIONS = 600_000;
/** What new records use: above the floor, still well under a second to unlock here. */
export const DEFAULT_ITERATIONS = 1_000_000;
/** A ceiling, so a corrupted count cannot hang the worker. */
const MAX_ITERATIONS = 10_000_000;
/** Largest ciphertext accepted: 100 profiles are far below this. */
const MAX_CIPHERTEXT_CHARS = 1_000_000;

const base64Of = (bytes: number) =>
  z.string().check(z.length(Math.ceil(bytes / 3) * 4), z.refine(isBase64, 'not base64'));

export const EnvelopeSchema = z.strictObject({
  format: z.literal(ENVELOPE_FORMAT),
  kdf: z.strictObject({
    name: z.literal('PBKDF2-SHA256'),
    iterations: z.int().check(z.minimum(MIN_ITERATIONS), z.maximum(MAX_ITERATIONS)),
    salt: base64Of(16),
  }),
  cipher: z.strictObject({ name: z.literal('AES-256-GCM'), iv: base64Of(12) }),
  ciphertext: z
    .string()
    .check(z.minLength(24), z.maxLength(MAX_CIPHERTEXT_CHARS), z.refine(isBase64, 'not base64')),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

export type EnvelopeProblem = 'corrupted' | 'unsupported-version' | 'weak-kdf';

/**
 * Checks a stored value before any crypto runs, and says why it cannot be used: a newer
 * format we do not know, a KDF weaker than the floor, or anything else malformed.
 */
export function parseEnvelope(
  value: unknown,
): { ok: true; envelope: Envelope } | { ok: false; problem: EnvelopeProblem } {
  const parsed = EnvelopeSchema.safeParse(value);
  if (parsed.success) return { ok: true, envelope: parsed.data };
  if (typeof value === 'object' && value !== null) {
    const record = value as { format?: unknown; kdf?: { iterations?: unknown } };
    if (typeof record.format === 'number' && record.format !== ENVELOPE_FORMAT) {
      return { ok: false, problem: 'unsupported-version' };
    }
    const iterations = record.kdf?.iterations;
    if (typeof iterations === 'number' && iterations < MIN_ITERATIONS) {
      return { ok: false, problem: 'weak-kdf' };
    }
  }
  return { ok: false, problem: 'corrupted' };
}

/** A derived vault key, with the salt and iteration count it came from. */
export interface VaultKey {
  key: CryptoKey;
  raw: Uint8Array<ArrayBuffer>;
  salt: string;
  iterations: number;
}

/** Derives the AES key from a passphrase. The passphrase is NFC-normalised first, so the same
 * characters typed on another system give the same key. */
export async function deriveVaultKey(
  passphrase: string,
  salt: string,
  iterations: number,
): Promise<VaultKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    utf8Bytes(passphrase.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: base64ToBytes(salt), iterations },
    material,
    256,
  );
  const raw = new Uint8Array(bits);
  return { key: await importAesKey(raw), raw, salt, iterations };
}

/** Rebuilds a vault key from its raw bytes (kept in session storage while unlocked). */
export async function restoreVaultKey(
  raw: Uint8Array<ArrayBuffer>,
  salt: string,
  iterations: number,
): Promise<VaultKey> {
  return { key: await importAesKey(raw), raw, salt, iterations };
}

export function newSalt(): string {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(16)));
}

/** Encrypts `plaintext` under `vaultKey` with a fresh IV. */
export async function seal(vaultKey: VaultKey, plaintext: string): Promise<Envelope> {
  const header = {
    format: ENVELOPE_FORMAT,
    kdf: { name: 'PBKDF2-SHA256', iterations: vaultKey.iterations, salt: vaultKey.salt },
  } as const;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: headerAad(header), tagLength: 128 },
    vaultKey.key,
    utf8Bytes(plaintext),
  );
  return {
    ...header,
    cipher: { name: 'AES-256-GCM', iv: bytesToBase64(iv) },
    ciphertext: bytesToBase64(new Uint8Array(ciphertext)),
  };
}

/** Decrypts an envelope; null when the key is wrong or anything was altered. */
export async function open(vaultKey: VaultKey, envelope: Envelope): Promise<string | null> {
  try {
    const plaintext = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: base64ToBytes(envelope.cipher.iv),
        additionalData: headerAad(envelope),
        tagLength: 128,
      },
      vaultKey.key,
      base64ToBytes(envelope.ciphertext),
    );
    return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    return null;
  }
}

function headerAad(header: Pick<Envelope, 'format' | 'kdf'>): Uint8Array<ArrayBuffer> {
  return utf8Bytes(
    `mute-console-vault|${header.format}|${header.kdf.name}|${header.kdf.iterations}|${header.kdf.salt}`,
  );
}

function importAesKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

function isBase64(value: string): boolean {
  try {
    base64ToBytes(value);
    return true;
  } catch {
    return false;
  }
}
