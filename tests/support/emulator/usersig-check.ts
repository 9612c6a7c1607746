import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';

/**
 * The emulator's own UserSig check, written from chat-api.md §1 with Node's crypto and zlib and
 * nothing from the extension, so a bug in the product's signer cannot hide itself here.
 */
export type UserSigCheck =
  | { ok: true; identifier: string; sdkAppId: number; time: number; expire: number }
  | { ok: false; code: number; reason: string };

interface CheckInput {
  userSig: string;
  sdkAppId: number;
  identifier: string;
  secretKey: string;
  nowSec: number;
}

export function checkUserSig({
  userSig,
  sdkAppId,
  identifier,
  secretKey,
  nowSec,
}: CheckInput): UserSigCheck {
  if (userSig === '') return { ok: false, code: 70002, reason: 'UserSig is empty' };
  let doc: Record<string, unknown>;
  try {
    const base64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
    const json = inflateSync(Buffer.from(base64, 'base64'), { maxOutputLength: 8192 }).toString(
      'utf8',
    );
    doc = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { ok: false, code: 70003, reason: 'UserSig cannot be decoded' };
  }
  const sig = doc['TLS.sig'];
  const id = doc['TLS.identifier'];
  const app = doc['TLS.sdkappid'];
  const time = doc['TLS.time'];
  const expire = doc['TLS.expire'];
  if (
    doc['TLS.ver'] !== '2.0' ||
    typeof sig !== 'string' ||
    typeof id !== 'string' ||
    typeof app !== 'number' ||
    typeof time !== 'number' ||
    typeof expire !== 'number'
  ) {
    return { ok: false, code: 70005, reason: 'UserSig lacks fields' };
  }
  if (app !== sdkAppId)
    return { ok: false, code: 70014, reason: 'SDKAppID differs from the UserSig' };
  if (id !== identifier)
    return { ok: false, code: 70013, reason: 'identifier differs from the UserSig' };
  if (nowSec > time + expire) return { ok: false, code: 70001, reason: 'UserSig expired' };
  const text = `TLS.identifier:${id}\nTLS.sdkappid:${app}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  const expected = createHmac('sha256', Buffer.from(secretKey, 'utf8'))
    .update(text, 'utf8')
    .digest();
  const given = Buffer.from(sig, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: 70009, reason: 'signature check failed' };
  }
  return { ok: true, identifier: id, sdkAppId: app, time, expire };
}
