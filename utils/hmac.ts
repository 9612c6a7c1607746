import { KJUR } from 'jsrsasign';

/**
 * Hex HMAC-SHA256 of `text` (UTF-8), keyed by `key`'s UTF-8 bytes: the UserSig's signature and
 * the audit delivery's. The key goes in as `{ utf8 }`: a bare string that looks like hex (as real
 * secret keys do) would be hex-decoded by jsrsasign and give a wrong signature.
 */
export function hmacSha256Hex(key: string, text: string): string {
  const mac = new KJUR.crypto.Mac({ alg: 'HmacSHA256', pass: { utf8: key } });
  mac.updateString(text);
  return mac.doFinal();
}
