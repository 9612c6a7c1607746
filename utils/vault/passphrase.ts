import * as z from 'zod/mini';

export const MIN_PASSPHRASE_LENGTH = 12;
/** A new passphrase: at least 12 characters (code points, so emoji count once). */
export const NewPassphraseSchema = z.string().check(
  z.maxLength(1024),
  z.refine((p) => [...p].length >= MIN_PASSPHRASE_LENGTH, 'too short'),
);
/** A passphrase being tried: any length, bounded. */
export const PassphraseSchema = z.string().check(z.minLength(1), z.maxLength(1024));

export type PassphraseStrength = 'too-short' | 'weak' | 'fair' | 'strong';

const COMMON = /password|passw0rd|qwerty|123456|letmein|admin|welcome|iloveyou|abc123|tencent/i;

/**
 * A rough, dependency-free strength estimate for feedback while typing: entropy from the
 * character classes used, discounted for repeats, sequences and common words. It guides;
 * only the minimum length is enforced.
 */
export function passphraseStrength(passphrase: string): PassphraseStrength {
  const chars = [...passphrase];
  if (chars.length < MIN_PASSPHRASE_LENGTH) return 'too-short';
  let pool = 0;
  if (/[a-z]/.test(passphrase)) pool += 26;
  if (/[A-Z]/.test(passphrase)) pool += 26;
  if (/[0-9]/.test(passphrase)) pool += 10;
  if (/[^A-Za-z0-9]/.test(passphrase)) pool += 33;
  const distinct = new Set(chars).size;
  // Count characters that are not a repeat or a step of the one before ("aaaa", "abcd", "1234").
  let effective = 0;
  for (let i = 0; i < chars.length; i++) {
    const here = chars[i]?.codePointAt(0) ?? 0;
    const before = i > 0 ? (chars[i - 1]?.codePointAt(0) ?? 0) : NaN;
    effective += Math.abs(here - before) <= 1 ? 0.25 : 1;
  }
  let bits = Math.min(effective, distinct * 2) * Math.log2(Math.max(pool, 2));
  if (COMMON.test(passphrase)) bits -= 30;
  if (bits < 50) return 'weak';
  if (bits < 80) return 'fair';
  return 'strong';
}
