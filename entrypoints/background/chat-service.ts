import { ChatClient, type AppTraffic } from '../../utils/chat-api/client';
import { CHAT_API_RATE, createRateLimiter } from '../../utils/chat-api/rate-limiter';
import type { Profile } from '../../utils/vault/profile';

/**
 * Chat API clients for the unlocked profiles. One traffic state (rate limiter, 70050 block) per
 * SDKAppID, shared by every profile and path that reaches that app, so the whole extension stays
 * under the API's 200 calls/s.
 */
export class ChatService {
  private readonly traffic = new Map<number, AppTraffic>();
  private readonly clients = new Map<string, { profile: Profile; client: ChatClient }>();

  constructor(
    private readonly options: {
      fetch?: typeof fetch;
      now?: () => number;
      /** The browser's answer to "may we reach these hosts?" (permissions.contains). */
      hasHostAccess?: (origins: string[]) => Promise<boolean>;
    } = {},
  ) {}

  /** The client for a profile; rebuilt when the profile's connection details change. */
  clientFor(profile: Profile): ChatClient {
    const cached = this.clients.get(profile.id);
    if (cached && sameConnection(cached.profile, profile)) return cached.client;
    const client = new ChatClient(
      {
        sdkAppId: profile.sdkAppId,
        adminAccount: profile.adminAccount,
        secretKey: profile.secretKey,
        endpoint: profile.endpoint,
      },
      {
        traffic: this.trafficFor(profile.sdkAppId),
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
        ...(this.options.now ? { nowMs: this.options.now } : {}),
        ...(this.options.hasHostAccess ? { hasHostAccess: this.options.hasHostAccess } : {}),
      },
    );
    this.clients.set(profile.id, { profile, client });
    return client;
  }

  /** Drops every client and the UserSigs they hold (on lock). Traffic state is kept. */
  clear(): void {
    this.clients.clear();
  }

  private trafficFor(sdkAppId: number): AppTraffic {
    let traffic = this.traffic.get(sdkAppId);
    if (!traffic) {
      traffic = { limiter: createRateLimiter(CHAT_API_RATE), blockedUntilMs: 0 };
      this.traffic.set(sdkAppId, traffic);
    }
    return traffic;
  }
}

function sameConnection(a: Profile, b: Profile): boolean {
  return (
    a.sdkAppId === b.sdkAppId &&
    a.adminAccount === b.adminAccount &&
    a.secretKey === b.secretKey &&
    JSON.stringify(a.endpoint) === JSON.stringify(b.endpoint)
  );
}
