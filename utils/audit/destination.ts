import * as z from 'zod/mini';
import { originPattern } from '../chat-api/endpoint';

/**
 * Where the audit log is delivered (utils/audit/delivery.ts): the format, the URL, and for JSON
 * the signing key. Kept in the vault: a webhook URL is a bearer secret, and so is the key.
 */

export const DeliveryFormatSchema = z.enum(['json', 'slack', 'discord']);
export type DeliveryFormat = z.infer<typeof DeliveryFormatSchema>;

/** The longest destination URL kept. */
const MAX_URL = 2048;

export const DestinationSchema = z.strictObject({
  format: DeliveryFormatSchema,
  url: z.string().check(z.maxLength(MAX_URL)),
  /** JSON only: the key the HMAC-SHA256 signature is made with. */
  secret: z.optional(z.string().check(z.minLength(16), z.maxLength(256))),
});
export type Destination = z.infer<typeof DestinationSchema>;

export type DestinationUrlProblem = 'malformed' | 'insecure' | 'credentials';

/**
 * A destination URL as the operator typed it: https only (entries and signatures never travel
 * in clear text), no user name or password in it; the fragment, which never reaches a server, is
 * dropped. The origin pattern is the host access to ask the browser for.
 */
export function parseDestinationUrl(
  text: string,
):
  | { ok: true; url: string; host: string; origin: string }
  | { ok: false; problem: DestinationUrlProblem } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  if (url.protocol !== 'https:') return { ok: false, problem: 'insecure' };
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'credentials' };
  url.hash = '';
  if (url.href.length > MAX_URL) return { ok: false, problem: 'malformed' };
  return { ok: true, url: url.href, host: url.host, origin: originPattern(url.href) };
}

/**
 * The destination in force: the policy's format and URL when it sets them (with the signing key
 * the operator saved for it in the vault), else the operator's own; `null` when there is none (a policy
 * that means to set one and cannot be read leaves none).
 */
export function destinationInForce(
  own: Destination | null,
  policy: { set: boolean; destination: Pick<Destination, 'format' | 'url'> | null },
): Destination | null {
  if (!policy.set) return own;
  if (policy.destination === null) return null;
  // The key the operator saved for this very destination; one of their own elsewhere is not it.
  const same = own?.format === policy.destination.format && own.url === policy.destination.url;
  return {
    ...policy.destination,
    ...(same && own.secret !== undefined ? { secret: own.secret } : {}),
  };
}

/** What Options shows of the destination: never the URL (a bearer secret), only its host. */
export const DestinationViewSchema = z.strictObject({
  format: DeliveryFormatSchema,
  host: z.string().check(z.maxLength(300)),
  /** The host access to ask for. */
  origin: z.string().check(z.maxLength(300)),
  /** JSON: whether the signing key is set (delivery waits without one). */
  hasSecret: z.boolean(),
});
export type DestinationView = z.infer<typeof DestinationViewSchema>;

export function destinationView(destination: Destination): DestinationView | null {
  const parsed = parseDestinationUrl(destination.url);
  if (!parsed.ok) return null;
  return {
    format: destination.format,
    host: parsed.host,
    origin: parsed.origin,
    hasSecret: destination.secret !== undefined,
  };
}
