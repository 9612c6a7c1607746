import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex, utf8Bytes } from '../../../../utils/encoding';
import { hmacSha256Hex } from '../../../../utils/hmac';
import {
  MIN_ITERATIONS,
  deriveVaultKey,
  newSalt,
  open,
  parseEnvelope,
  seal,
  type Envelope,
} from '../../../../utils/vault/envelope';

async function pbkdf2Hex(password: string, salt: string, iterations: number): Promise<string> {
  const material = await crypto.subtle.importKey('raw', utf8Bytes(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: utf8Bytes(salt), iterations },
    material,
    256,
  );
  return bytesToHex(new Uint8Array(bits));
}

describe('known answers of the primitives', () => {
  it('PBKDF2-SHA256 ("password", "salt")', async () => {
    expect(await pbkdf2Hex('password', 'salt', 1)).toBe(
      '120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b',
    );
    expect(await pbkdf2Hex('password', 'salt', 4096)).toBe(
      'c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a',
    );
  });

  it('HMAC-SHA256 RFC 4231 case 2, as the UserSig and the audit delivery sign', () => {
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('seal / open', () => {
  it('round-trips and never writes the same ciphertext twice', async () => {
    const key = await deriveVaultKey('a passphrase of length', newSalt(), MIN_ITERATIONS);
    const a = await seal(key, 'secret text');
    const b = await seal(key, 'secret text');
    expect(a.cipher.iv).not.toBe(b.cipher.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(await open(key, a)).toBe('secret text');
    expect(await open(key, b)).toBe('secret text');
    expect(JSON.stringify(a)).not.toContain('secret text');
  });

  it('round-trips random secrets under random Unicode passphrases', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        async (passphrase, secret) => {
          const key = await deriveVaultKey(passphrase, newSalt(), MIN_ITERATIONS);
          const envelope = await seal(key, secret);
          const again = await deriveVaultKey(
            passphrase,
            envelope.kdf.salt,
            envelope.kdf.iterations,
          );
          expect(await open(again, envelope)).toBe(secret);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('treats composed and decomposed forms of a passphrase as the same passphrase', async () => {
    const salt = newSalt();
    const composed = await deriveVaultKey(
      'caf\u00e9 au lait, s\u2019il vous pla\u00eet',
      salt,
      MIN_ITERATIONS,
    );
    const decomposed = await deriveVaultKey(
      'cafe\u0301 au lait, s\u2019il vous plai\u0302t',
      salt,
      MIN_ITERATIONS,
    );
    expect(await open(decomposed, await seal(composed, 'x'))).toBe('x');
  });

  describe('tampering', () => {
    const flip = (b64: string, index: number) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const at = index < 0 ? bytes.length + index : index;
      bytes[at] = (bytes[at] as number) ^ 0x01;
      return btoa(String.fromCharCode(...bytes));
    };
    const cases: Array<[string, (e: Envelope) => Envelope]> = [
      ['a ciphertext bit', (e) => ({ ...e, ciphertext: flip(e.ciphertext, 3) })],
      ['a tag bit (the last 16 bytes)', (e) => ({ ...e, ciphertext: flip(e.ciphertext, -1) })],
      ['an IV bit', (e) => ({ ...e, cipher: { ...e.cipher, iv: flip(e.cipher.iv, 0) } })],
      ['a salt bit', (e) => ({ ...e, kdf: { ...e.kdf, salt: flip(e.kdf.salt, 5) } })],
      [
        'the iteration count in the header',
        (e) => ({ ...e, kdf: { ...e.kdf, iterations: e.kdf.iterations + 1 } }),
      ],
    ];
    it.each(cases)('a flipped %s makes it refuse to open', async (_name, tamper) => {
      const key = await deriveVaultKey('correct horse battery', newSalt(), MIN_ITERATIONS);
      const envelope = await seal(key, 'secret');
      expect(await open(key, tamper(envelope))).toBeNull();
    });
  });
});

describe('parseEnvelope', () => {
  const good = {
    format: 1,
    kdf: { name: 'PBKDF2-SHA256', iterations: 600000, salt: 'AAAAAAAAAAAAAAAAAAAAAA==' },
    cipher: { name: 'AES-256-GCM', iv: 'AAAAAAAAAAAAAAAA' },
    ciphertext: 'A'.repeat(40),
  };

  it('accepts a well-formed record', () => {
    expect(parseEnvelope(good).ok).toBe(true);
  });

  it.each([
    ['nothing', undefined, 'corrupted'],
    ['a string', 'vault', 'corrupted'],
    ['a missing field', { ...good, cipher: undefined }, 'corrupted'],
    ['an extra field', { ...good, note: 1 }, 'corrupted'],
    ['a truncated salt', { ...good, kdf: { ...good.kdf, salt: 'AAAA' } }, 'corrupted'],
    ['non-base64 ciphertext', { ...good, ciphertext: '!'.repeat(40) }, 'corrupted'],
    ['an oversized ciphertext', { ...good, ciphertext: 'A'.repeat(2_000_000) }, 'corrupted'],
    ['a future version', { ...good, format: 2 }, 'unsupported-version'],
    ['a low iteration count', { ...good, kdf: { ...good.kdf, iterations: 1000 } }, 'weak-kdf'],
    ['another KDF', { ...good, kdf: { ...good.kdf, name: 'scrypt' } }, 'corrupted'],
    ['a __proto__ key', JSON.parse('{"__proto__":{"x":1},"format":1}'), 'corrupted'],
  ])('refuses %s before any crypto', (_name, value, problem) => {
    expect(parseEnvelope(value)).toEqual({ ok: false, problem });
  });
});
