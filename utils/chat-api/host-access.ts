import * as z from 'zod/mini';
import { endpointBaseUrls, originPattern, type Endpoint } from './endpoint';

/**
 * The browser's host access an app needs: Firefox lets the operator withhold or revoke an
 * add-on's host permissions, and Chrome lets them restrict site access. Without it a fetch
 * fails like a network outage, so every call checks first and says which host is missing.
 */
export const HostAccessSchema = z.strictObject({
  /** The host named to the operator ("no access to adminapisgp.im.qcloud.com"). */
  host: z.string().check(z.regex(/^[a-z0-9._:[\]-]{1,253}$/i)),
  /** What to ask the browser for: the host patterns of every base URL the app may use. */
  origins: z
    .array(z.string().check(z.maxLength(300), z.regex(/^https?:\/\/[^/*]+\/\*$/)))
    .check(z.minLength(1), z.maxLength(2)),
});
export type HostAccess = z.infer<typeof HostAccessSchema>;

/** The host access an endpoint needs: its primary host named, every host it may use asked for. */
export function hostAccessFor(endpoint: Endpoint): HostAccess {
  const baseUrls = endpointBaseUrls(endpoint);
  return {
    host: new URL(baseUrls[0] as string).hostname,
    origins: baseUrls.map(originPattern),
  };
}
