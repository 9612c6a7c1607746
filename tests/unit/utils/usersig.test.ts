import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  computeSignature,
  decodeUserSig,
  mintUserSig,
  signatureText,
  verifyUserSig,
} from '../../../utils/usersig';

const require = createRequire(import.meta.url);
// Tencent's own Node signer, used only as an independent oracle.
const TLSSigAPIv2 = require('tls-sig-api-v2') as {
  Api: new (
    sdkappid: number,
    key: string,
  ) => {
    genUserSig(identifier: string, expire: number): string;
    _hmacsha256(identifier: string, time: number, expire: number, userBuf: null): string;
  };
};

const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const APP = 1400000000;
const TIME = 1700000000;

describe('computeSignature', () => {
  it.each([
    ['xiaojun', 15552000, 'LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4='],
    ['administrator', 86400, 'yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60='],
  ])('matches the known answer for %s / %i', (identifier, expire, expected) => {
    expect(computeSignature(KEY, { sdkAppId: APP, identifier, time: TIME, expire })).toBe(expected);
  });

  it('signs the four-line text, each line ending in a newline', () => {
    expect(signatureText({ sdkAppId: APP, identifier: 'a', time: 1, expire: 2 })).toBe(
      'TLS.identifier:a\nTLS.sdkappid:1400000000\nTLS.time:1\nTLS.expire:2\n',
    );
  });

  it('keys the HMAC with the secret key text, never its hex decoding', () => {
    // The trap of chat-api.md §1: a 64-hex key given to jsrsasign as a bare string is hex-decoded.
    const api = new TLSSigAPIv2.Api(APP, KEY);
    expect(computeSignature(KEY, { sdkAppId: APP, identifier: 'x', time: TIME, expire: 60 })).toBe(
      api._hmacsha256('x', TIME, 60, null),
    );
  });

  it("equals Tencent's implementation for random identifiers, keys and lifetimes", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 32 }),
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.integer({ min: 1, max: 400_000_000 }),
        (identifier, key, sdkAppId, time, expire) => {
          const api = new TLSSigAPIv2.Api(sdkAppId, key);
          expect(computeSignature(key, { sdkAppId, identifier, time, expire })).toBe(
            api._hmacsha256(identifier, time, expire, null),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('mintUserSig / decodeUserSig / verifyUserSig', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('mints a UserSig in the URL-safe alphabet, zlib framed, whose fields decode back', async () => {
    const userSig = await mintUserSig({
      secretKey: KEY,
      sdkAppId: APP,
      identifier: 'administrator',
      time: TIME,
      expire: 86400,
    });
    expect(userSig).toMatch(/^[A-Za-z0-9*\-_]+$/);
    // zlib header 78 9c → base64 "eJ"
    expect(userSig.startsWith('eJ')).toBe(true);
    expect(await decodeUserSig(userSig)).toEqual({
      sdkAppId: APP,
      identifier: 'administrator',
      time: TIME,
      expire: 86400,
      signature: 'yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=',
    });
  });

  it('verifies what it mints, inside its lifetime only', async () => {
    const userSig = await mintUserSig({
      secretKey: KEY,
      sdkAppId: APP,
      identifier: 'ops',
      time: TIME,
      expire: 600,
    });
    const at = (now: number) =>
      verifyUserSig(userSig, { secretKey: KEY, now, sdkAppId: APP, identifier: 'ops' });
    expect(await at(TIME + 600)).toMatchObject({ valid: true, expiresAt: TIME + 600 });
    expect(await at(TIME + 601)).toMatchObject({ valid: false, problem: 'expired' });
  });

  it('names what is wrong with a foreign, tampered or garbled UserSig', async () => {
    const userSig = await mintUserSig({
      secretKey: KEY,
      sdkAppId: APP,
      identifier: 'ops',
      time: TIME,
      expire: 600,
    });
    const opts = { secretKey: KEY, now: TIME };
    expect(await verifyUserSig(userSig, { ...opts, sdkAppId: APP + 1 })).toMatchObject({
      problem: 'sdkappid-mismatch',
    });
    expect(await verifyUserSig(userSig, { ...opts, identifier: 'other' })).toMatchObject({
      problem: 'identifier-mismatch',
    });
    expect(await verifyUserSig(userSig, { ...opts, secretKey: `${KEY}0` })).toMatchObject({
      problem: 'bad-signature',
    });
    expect(await verifyUserSig('not a usersig', opts)).toEqual({
      valid: false,
      problem: 'malformed',
    });
    expect(await verifyUserSig(userSig.slice(0, 20), opts)).toEqual({
      valid: false,
      problem: 'malformed',
    });
  });

  it('detects a document whose fields were changed after signing', async () => {
    const { deflateSync } = await import('node:zlib');
    const forged = JSON.stringify({
      'TLS.ver': '2.0',
      'TLS.identifier': 'ops',
      'TLS.sdkappid': APP,
      'TLS.time': TIME,
      'TLS.expire': 99999999, // lifetime stretched, signature of the 600-second original
      'TLS.sig': computeSignature(KEY, {
        sdkAppId: APP,
        identifier: 'ops',
        time: TIME,
        expire: 600,
      }),
    });
    const userSig = deflateSync(forged)
      .toString('base64')
      .replace(/\+/g, '*')
      .replace(/\//g, '-')
      .replace(/=/g, '_');
    expect(await verifyUserSig(userSig, { secretKey: KEY, now: TIME })).toMatchObject({
      valid: false,
      problem: 'bad-signature',
    });
  });

  it("decodes and verifies what Tencent's genUserSig mints at a fixed time", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(TIME * 1000);
    const theirs = new TLSSigAPIv2.Api(APP, KEY).genUserSig('xiaojun', 15552000);
    vi.useRealTimers();
    const verdict = await verifyUserSig(theirs, {
      secretKey: KEY,
      now: TIME + 10,
      sdkAppId: APP,
      identifier: 'xiaojun',
    });
    expect(verdict).toMatchObject({
      valid: true,
      decoded: {
        identifier: 'xiaojun',
        time: TIME,
        expire: 15552000,
        signature: 'LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=',
      },
    });
  });

  it('refuses a document that inflates to something huge', async () => {
    const { deflateSync } = await import('node:zlib');
    const bomb = deflateSync(Buffer.alloc(1_000_000, 0x20))
      .toString('base64')
      .replace(/\+/g, '*')
      .replace(/\//g, '-')
      .replace(/=/g, '_');
    await expect(decodeUserSig(bomb)).rejects.toThrow(/inflate/);
  });

  it('round-trips random identifiers up to 32 bytes, lifetimes and keys', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 32 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
        fc.integer({ min: 1, max: 0xffffffff }),
        fc.integer({ min: 1, max: 400_000_000 }),
        async (identifier, secretKey, sdkAppId, expire) => {
          const userSig = await mintUserSig({
            secretKey,
            sdkAppId,
            identifier,
            time: TIME,
            expire,
          });
          const verdict = await verifyUserSig(userSig, {
            secretKey,
            now: TIME,
            sdkAppId,
            identifier,
          });
          expect(verdict.valid).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
