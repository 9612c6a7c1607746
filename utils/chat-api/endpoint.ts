import * as z from 'zod/mini';
import { REGIONS, RegionIdSchema } from './regions';

/** Where an app's admin API lives: one of Tencent's data centres, or an operator's own URL. */
export const EndpointSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('region'), region: RegionIdSchema }),
  z.strictObject({ kind: z.literal('custom'), baseUrl: z.url().check(z.maxLength(2048)) }),
]);
export type Endpoint = z.infer<typeof EndpointSchema>;

/** Base URLs to try, in order: a region's primary then backup host; a custom URL alone. */
export function endpointBaseUrls(endpoint: Endpoint): string[] {
  if (endpoint.kind === 'custom') return [endpoint.baseUrl];
  const { primary, backup } = REGIONS[endpoint.region];
  return [`https://${primary}`, `https://${backup}`];
}

export type CustomEndpointProblem = 'not-a-url' | 'insecure' | 'has-extras';
export type CustomEndpointResult =
  { ok: true; baseUrl: string } | { ok: false; problem: CustomEndpointProblem };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks an operator-typed custom endpoint and normalises it to a base URL without a trailing
 * slash. HTTPS only; plain http only for loopback hosts, and only when the build allows it
 * (the demo and test build). Credentials, queries and fragments are refused: the API's own
 * query string is appended to this base.
 */
export function parseCustomEndpoint(
  input: string,
  allowLoopbackHttp: boolean,
): CustomEndpointResult {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, problem: 'not-a-url' };
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(loopbackHttp && allowLoopbackHttp)) {
    return { ok: false, problem: 'insecure' };
  }
  if (url.username || url.password || url.search || url.hash) {
    return { ok: false, problem: 'has-extras' };
  }
  return { ok: true, baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** The host-permission pattern that covers a base URL, e.g. `https://proxy.example/*`. */
export function originPattern(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.hostname}/*`;
}
