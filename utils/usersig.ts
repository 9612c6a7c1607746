import { hextob64 } from 'jsrsasign';
import * as z from 'zod/mini';
import { base64ToBytes, bytesToBase64, utf8Bytes } from './encoding';
import { hmacSha256Hex } from './hmac';
import type { UserSigFields } from './usersig-fields';

export type { UserSigFields };

/**
 * TLSSigAPIv2 UserSig minting and decoding (chat-api.md §1). Pure: the clock comes in as
 * parameters, so callers decide what "now" is and tests are exact.
 */

export interface MintInput extends UserSigFields {
  secretKey: string;
}

/** Decoded UserSig: its fields, the signature it carries, and the optional TRTC userbuf. */
export interface DecodedUserSig extends UserSigFields {
  signature: string;
  userBuf?: string;
}

const UserSigDocSchema = z.object({
  'TLS.ver': z.literal('2.0'),
  'TLS.identifier': z.string(),
  'TLS.sdkappid': z.int().check(z.nonnegative()),
  'TLS.time': z.int().check(z.nonnegative()),
  'TLS.expire': z.int().check(z.nonnegative()),
  'TLS.sig': z.string(),
  'TLS.userbuf': z.optional(z.string()),
});

/** The largest decompressed document we accept: real ones are about 200 bytes. */
const MAX_DOC_BYTES = 4096;

/** The exact text the HMAC covers: four (or five, with a userbuf) lines, each ending in \n. */
export function signatureText(fields: UserSigFields, userBuf?: string): string {
  return (
    `TLS.identifier:${fields.identifier}\n` +
    `TLS.sdkappid:${fields.sdkAppId}\n` +
    `TLS.time:${fields.time}\n` +
    `TLS.expire:${fields.expire}\n` +
    (userBuf === undefined ? '' : `TLS.userbuf:${userBuf}\n`)
  );
}

/** Base64 HMAC-SHA256 of the signature text, keyed by the secret key's UTF-8 bytes. */
export function computeSignature(
  secretKey: string,
  fields: UserSigFields,
  userBuf?: string,
): string {
  return hextob64(hmacSha256Hex(secretKey, signatureText(fields, userBuf)));
}

/** Mints a UserSig for `identifier` valid from `time` for `expire` seconds. */
export async function mintUserSig(input: MintInput): Promise<string> {
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': input.identifier,
    'TLS.sdkappid': input.sdkAppId,
    'TLS.time': input.time,
    'TLS.expire': input.expire,
    'TLS.sig': computeSignature(input.secretKey, input),
  };
  const compressed = await transform(
    utf8Bytes(JSON.stringify(doc)),
    new CompressionStream('deflate'),
  );
  return toUrlAlphabet(bytesToBase64(compressed));
}

export class UserSigDecodeError extends Error {
  override name = 'UserSigDecodeError';
}

/** Decodes a UserSig without checking its signature. Throws {@link UserSigDecodeError}. */
export async function decodeUserSig(userSig: string): Promise<DecodedUserSig> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = base64ToBytes(fromUrlAlphabet(userSig));
  } catch {
    throw new UserSigDecodeError('UserSig is not in the UserSig base64 alphabet');
  }
  let json: unknown;
  try {
    const inflated = await transform(bytes, new DecompressionStream('deflate'), MAX_DOC_BYTES);
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inflated));
  } catch {
    throw new UserSigDecodeError('UserSig does not inflate to a JSON document');
  }
  const parsed = UserSigDocSchema.safeParse(json);
  if (!parsed.success) throw new UserSigDecodeError('UserSig document lacks required fields');
  const doc = parsed.data;
  return {
    identifier: doc['TLS.identifier'],
    sdkAppId: doc['TLS.sdkappid'],
    time: doc['TLS.time'],
    expire: doc['TLS.expire'],
    signature: doc['TLS.sig'],
    ...(doc['TLS.userbuf'] === undefined ? {} : { userBuf: doc['TLS.userbuf'] }),
  };
}

export type UserSigProblem =
  'malformed' | 'bad-signature' | 'expired' | 'sdkappid-mismatch' | 'identifier-mismatch';

export type UserSigVerdict =
  | { valid: true; decoded: DecodedUserSig; expiresAt: number }
  | { valid: false; problem: UserSigProblem; decoded?: DecodedUserSig };

export interface VerifyOptions {
  secretKey: string;
  /** Unix seconds. */
  now: number;
  sdkAppId?: number;
  identifier?: string;
}

/**
 * Decodes and checks a UserSig the way the server does: app and identifier (when given),
 * lifetime (`now <= time + expire`), then the HMAC.
 */
export async function verifyUserSig(
  userSig: string,
  options: VerifyOptions,
): Promise<UserSigVerdict> {
  let decoded: DecodedUserSig;
  try {
    decoded = await decodeUserSig(userSig);
  } catch {
    return { valid: false, problem: 'malformed' };
  }
  if (options.sdkAppId !== undefined && decoded.sdkAppId !== options.sdkAppId) {
    return { valid: false, problem: 'sdkappid-mismatch', decoded };
  }
  if (options.identifier !== undefined && decoded.identifier !== options.identifier) {
    return { valid: false, problem: 'identifier-mismatch', decoded };
  }
  const expiresAt = decoded.time + decoded.expire;
  if (options.now > expiresAt) return { valid: false, problem: 'expired', decoded };
  if (computeSignature(options.secretKey, decoded, decoded.userBuf) !== decoded.signature) {
    return { valid: false, problem: 'bad-signature', decoded };
  }
  return { valid: true, decoded, expiresAt };
}

function toUrlAlphabet(base64: string): string {
  return base64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function fromUrlAlphabet(userSig: string): string {
  const base64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  // Some signers drop the padding; restore it rather than reject an otherwise valid UserSig.
  return base64.length % 4 === 0
    ? base64
    : base64.padEnd(base64.length + 4 - (base64.length % 4), '=');
}

async function transform(
  input: Uint8Array<ArrayBuffer>,
  stream: CompressionStream | DecompressionStream,
  maxBytes = Infinity,
): Promise<Uint8Array<ArrayBuffer>> {
  const writer = stream.writable.getWriter();
  void writer.write(input).catch(() => {});
  void writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error('too large');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
