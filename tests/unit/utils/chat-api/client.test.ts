import { describe, expect, it } from 'vitest';
import { ChatApiError } from '../../../../utils/chat-api/errors';
import { ChatClient, type AppTraffic, type RetryInfo } from '../../../../utils/chat-api/client';
import type { Endpoint } from '../../../../utils/chat-api/endpoint';
import { CHAT_API_RATE, createRateLimiter } from '../../../../utils/chat-api/rate-limiter';
import { verifyUserSig } from '../../../../utils/usersig';

const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const credentials = {
  sdkAppId: 1400000000,
  adminAccount: 'administrator',
  secretKey: KEY,
  endpoint: { kind: 'region', region: 'singapore' } as const,
};

type Step = { status?: number; json?: unknown; text?: string } | 'network-error' | 'hang';

interface Sent {
  url: URL;
  init: RequestInit;
  body: unknown;
}

/** A fetch that answers from a script, one step per request, and records what was sent. */
function scriptedFetch(steps: Step[]) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    sent.push({ url, init: init ?? {}, body: JSON.parse(init?.body as string) });
    const step = steps.shift() ?? { json: { ErrorCode: 0 } };
    if (step === 'network-error') throw new TypeError('fetch failed');
    if (step === 'hang') {
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError')),
        );
      });
    }
    const text = step.text ?? JSON.stringify(step.json ?? { ErrorCode: 0 });
    return new Response(text, { status: step.status ?? 200 });
  }) as typeof fetch;
  return { fetchImpl, sent };
}

function makeClient(steps: Step[], extra: { nowMs?: () => number; timeoutMs?: number } = {}) {
  const { fetchImpl, sent } = scriptedFetch(steps);
  const sleeps: number[] = [];
  const traffic: AppTraffic = {
    limiter: createRateLimiter({ windows: CHAT_API_RATE.windows }),
    blockedUntilMs: 0,
  };
  const client = new ChatClient(credentials, {
    traffic,
    fetch: fetchImpl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { client, sent, sleeps, traffic };
}

async function failure(promise: Promise<unknown>): Promise<ChatApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChatApiError);
  return error as ChatApiError;
}

describe('ChatClient requests', () => {
  it('POSTs JSON to the region host with a valid UserSig, a fresh random and contenttype=json', async () => {
    const { client, sent } = makeClient([{}, {}]);
    await client.setNoSpeaking('spammer', { c2c: 600, group: 600 });
    await client.setNoSpeaking('spammer', { group: 0 });
    const [first, second] = sent as [Sent, Sent];
    expect(first.url.origin).toBe('https://adminapisgp.im.qcloud.com');
    expect(first.url.pathname).toBe('/v4/openconfigsvr/setnospeaking');
    expect(first.init.method).toBe('POST');
    expect(new Headers(first.init.headers).get('content-type')).toBe('application/json');
    expect(first.body).toEqual({
      Set_Account: 'spammer',
      C2CmsgNospeakingTime: 600,
      GroupmsgNospeakingTime: 600,
    });
    // The scope not chosen is left out, so the server leaves it unchanged.
    expect(second.body).toEqual({ Set_Account: 'spammer', GroupmsgNospeakingTime: 0 });
    const q = first.url.searchParams;
    expect(q.get('sdkappid')).toBe('1400000000');
    expect(q.get('identifier')).toBe('administrator');
    expect(q.get('contenttype')).toBe('json');
    expect(Number(q.get('random'))).toBeGreaterThanOrEqual(0);
    expect(Number(q.get('random'))).toBeLessThanOrEqual(0xffffffff);
    expect(q.get('random')).not.toBe(second.url.searchParams.get('random'));
    const verdict = await verifyUserSig(q.get('usersig') ?? '', {
      secretKey: KEY,
      now: Math.floor(Date.now() / 1000),
      sdkAppId: 1400000000,
      identifier: 'administrator',
    });
    expect(verdict).toMatchObject({ valid: true, decoded: { expire: 3600 } });
  });

  it('reuses one UserSig across calls while it is fresh', async () => {
    const { client, sent } = makeClient([{}, {}]);
    await client.setNoSpeaking('a', { c2c: 60 });
    await client.setNoSpeaking('b', { c2c: 60 });
    expect(sent[0]?.url.searchParams.get('usersig')).toBe(sent[1]?.url.searchParams.get('usersig'));
  });

  it('mints a new UserSig when the cached one is about to expire', async () => {
    let now = 1_700_000_000_000;
    const { client, sent } = makeClient([{}, {}], { nowMs: () => now });
    await client.setNoSpeaking('a', { c2c: 60 });
    now += (3600 - 200) * 1000;
    await client.setNoSpeaking('a', { c2c: 60 });
    expect(sent[0]?.url.searchParams.get('usersig')).not.toBe(
      sent[1]?.url.searchParams.get('usersig'),
    );
  });

  it('reads the mute state per scope', async () => {
    const { client, sent } = makeClient([
      { json: { ErrorCode: 0, C2CmsgNospeakingTime: 0, GroupmsgNospeakingTime: 7196 } },
    ]);
    expect(await client.getNoSpeaking('bob')).toEqual({ c2c: 0, group: 7196 });
    expect(sent[0]?.body).toEqual({ Get_Account: 'bob' });
  });

  it('checks accounts', async () => {
    const { client } = makeClient([
      {
        json: {
          ErrorCode: 0,
          ResultItem: [
            { UserID: 'a', ResultCode: 0, AccountStatus: 'Imported' },
            { UserID: 'b', ResultCode: 0, AccountStatus: 'NotImported' },
          ],
        },
      },
    ]);
    expect(await client.accountCheck(['a', 'b'])).toEqual([
      { userId: 'a', exists: true },
      { userId: 'b', exists: false },
    ]);
  });

  it('sends a custom endpoint the same request under its base path', async () => {
    const { fetchImpl, sent } = scriptedFetch([{}]);
    const client = new ChatClient(
      {
        ...credentials,
        endpoint: { kind: 'custom', baseUrl: 'https://proxy.example.com/tencent' },
      },
      {
        traffic: {
          limiter: createRateLimiter({ windows: [{ limit: 5, windowMs: 1000 }] }),
          blockedUntilMs: 0,
        },
        fetch: fetchImpl,
      },
    );
    await client.getNoSpeaking('x').catch(() => {});
    expect(sent[0]?.url.href).toMatch(
      /^https:\/\/proxy\.example\.com\/tencent\/v4\/openconfigsvr\/getnospeaking\?/,
    );
  });
});

describe('ChatClient retry policy', () => {
  it('backs off and retries a rate limit: 60007 twice then success is 3 attempts', async () => {
    const retries: RetryInfo[] = [];
    const { client, sent, sleeps } = makeClient([
      { json: { ErrorCode: 60007 } },
      { json: { ErrorCode: 60007 } },
      {},
    ]);
    await client.setNoSpeaking('a', { c2c: 60 }, { onRetry: (r) => retries.push(r) });
    expect(sent).toHaveLength(3);
    // Exponential with jitter 0.5 → 0.75 of 1000, 2000.
    expect(sleeps).toEqual([750, 1500]);
    expect(retries.map((r) => [r.attempt, r.error.code])).toEqual([
      [1, 60007],
      [2, 60007],
    ]);
  });

  it('gives up after 3 attempts with the last error', async () => {
    const { client, sent } = makeClient([
      { json: { ErrorCode: 130014 } },
      { json: { ErrorCode: 130014 } },
      { json: { ErrorCode: 130014 } },
      {},
    ]);
    const error = await failure(client.setNoSpeaking('a', { c2c: 60 }));
    expect(error.data).toEqual({ category: 'server-busy', code: 130014, attempts: 3 });
    expect(sent).toHaveLength(3);
  });

  it('re-signs once on 70001, and only once', async () => {
    let now = 1_700_000_000_000;
    const { client, sent } = makeClient(
      [{ json: { ErrorCode: 70001 } }, { json: { ErrorCode: 70001 } }, {}],
      { nowMs: () => (now += 1000) },
    );
    const error = await failure(client.setNoSpeaking('a', { c2c: 60 }));
    expect(error.data).toMatchObject({ category: 'usersig-expired', code: 70001, attempts: 2 });
    expect(sent).toHaveLength(2);
    expect(sent[0]?.url.searchParams.get('usersig')).not.toBe(
      sent[1]?.url.searchParams.get('usersig'),
    );
  });

  it('never retries a configuration error such as 70009', async () => {
    const { client, sent } = makeClient([{ json: { ErrorCode: 70009 } }, {}]);
    const error = await failure(client.setNoSpeaking('a', { c2c: 60 }));
    expect(error.data).toEqual({ category: 'signature-mismatch', code: 70009, attempts: 1 });
    expect(sent).toHaveLength(1);
  });

  it('stops on 70050 and sends nothing more to that app for a minute', async () => {
    let now = 1_700_000_000_000;
    const { client, sent, traffic } = makeClient([{ json: { ErrorCode: 70050 } }, {}], {
      nowMs: () => now,
    });
    expect((await failure(client.setNoSpeaking('a', { c2c: 60 }))).data.category).toBe('blocked');
    expect(traffic.blockedUntilMs).toBe(now + 60_000);
    const second = await failure(client.getNoSpeaking('b'));
    expect(second.data).toMatchObject({ category: 'blocked', attempts: 0 });
    expect(sent).toHaveLength(1);
    now += 60_001;
    await client.setNoSpeaking('a', { c2c: 60 });
    expect(sent).toHaveLength(2);
  });

  it('retries a 502 a bounded number of times', async () => {
    const { client, sent } = makeClient([
      { status: 502, text: '<html>' },
      { status: 502, text: '<html>' },
      { status: 502, text: '<html>' },
    ]);
    const error = await failure(client.setNoSpeaking('a', { c2c: 60 }));
    expect(error.data).toEqual({ category: 'http-status', code: 502, attempts: 3 });
    expect(sent).toHaveLength(3);
  });

  it('does not retry a 4xx status', async () => {
    const { client, sent } = makeClient([{ status: 403, text: 'no' }]);
    expect((await failure(client.setNoSpeaking('a', { c2c: 60 }))).data).toMatchObject({
      category: 'http-status',
      code: 403,
    });
    expect(sent).toHaveLength(1);
  });

  it('times out a request that never answers, and retries it', async () => {
    const { client, sent } = makeClient(['hang', 'hang', {}], { timeoutMs: 30 });
    await client.setNoSpeaking('a', { c2c: 60 });
    expect(sent).toHaveLength(3);
    const { client: stuck } = makeClient(['hang', 'hang', 'hang'], { timeoutMs: 30 });
    expect((await failure(stuck.setNoSpeaking('a', { c2c: 60 }))).data).toEqual({
      category: 'timeout',
      code: null,
      attempts: 3,
    });
  });

  it('turns malformed JSON into a typed error without retrying', async () => {
    const { client, sent } = makeClient([{ text: '{"ErrorCode": 0, ' }]);
    expect((await failure(client.setNoSpeaking('a', { c2c: 60 }))).data).toEqual({
      category: 'bad-response',
      code: null,
      attempts: 1,
    });
    expect(sent).toHaveLength(1);
  });

  it('rejects a success whose fields are missing or out of range', async () => {
    const { client } = makeClient([
      { json: { ErrorCode: 0, C2CmsgNospeakingTime: -1, GroupmsgNospeakingTime: 5 } },
    ]);
    expect((await failure(client.getNoSpeaking('a'))).data.category).toBe('bad-response');
  });

  it('moves to the backup host after a network failure on the primary, and stays there', async () => {
    const { client, sent, sleeps } = makeClient(['network-error', {}, {}]);
    await client.setNoSpeaking('a', { c2c: 60 });
    await client.setNoSpeaking('b', { c2c: 60 });
    expect(sent.map((s) => s.url.host)).toEqual([
      'adminapisgp.im.qcloud.com',
      'adminapisgp.my-imcloud.com',
      'adminapisgp.my-imcloud.com',
    ]);
    expect(sleeps).toEqual([]);
  });

  it('does not try the backup host for an API error', async () => {
    const { client, sent } = makeClient([{ json: { ErrorCode: 60008 } }, {}]);
    await client.setNoSpeaking('a', { c2c: 60 });
    expect(sent.map((s) => s.url.host)).toEqual([
      'adminapisgp.im.qcloud.com',
      'adminapisgp.im.qcloud.com',
    ]);
  });

  it('reports network failure when neither host answers', async () => {
    const { client, sent } = makeClient(['network-error', 'network-error', 'network-error']);
    expect((await failure(client.setNoSpeaking('a', { c2c: 60 }))).data).toEqual({
      category: 'network',
      code: null,
      attempts: 3,
    });
    expect(sent).toHaveLength(3);
  });

  it('shares one request between identical calls in flight', async () => {
    const { client, sent } = makeClient([
      { json: { ErrorCode: 0, C2CmsgNospeakingTime: 0, GroupmsgNospeakingTime: 0 } },
    ]);
    const [a, b] = await Promise.all([client.getNoSpeaking('x'), client.getNoSpeaking('x')]);
    expect(a).toEqual(b);
    expect(sent).toHaveLength(1);
  });

  it('lets one caller cancel its wait without cancelling the shared request', async () => {
    const { client, sent } = makeClient([
      { json: { ErrorCode: 0, C2CmsgNospeakingTime: 0, GroupmsgNospeakingTime: 60 } },
    ]);
    const controller = new AbortController();
    const cancelled = client.getNoSpeaking('x', { signal: controller.signal });
    const kept = client.getNoSpeaking('x');
    controller.abort();
    expect((await failure(cancelled)).data.category).toBe('cancelled');
    expect(await kept).toEqual({ c2c: 0, group: 60 });
    expect(sent).toHaveLength(1);
  });

  it('never puts the secret key or the UserSig in an error message', async () => {
    const { client, sent } = makeClient([
      { json: { ErrorCode: 70009, ErrorInfo: 'sig check failed' } },
    ]);
    const error = await failure(client.setNoSpeaking('a', { c2c: 60 }));
    const userSig = sent[0]?.url.searchParams.get('usersig') ?? '';
    const shown = `${error.message} ${JSON.stringify(error.data)} ${String(error.stack)}`;
    expect(userSig.length).toBeGreaterThan(50);
    expect(shown).not.toContain(userSig);
    expect(shown).not.toContain(KEY);
    expect(shown).not.toContain('usersig=');
  });

  describe('host access', () => {
    function clientWithAccess(
      granted: (origins: string[]) => boolean,
      endpoint: Endpoint = credentials.endpoint,
    ) {
      const { fetchImpl, sent } = scriptedFetch([]);
      const asked: string[][] = [];
      const client = new ChatClient(
        { ...credentials, endpoint },
        {
          traffic: {
            limiter: createRateLimiter({ windows: CHAT_API_RATE.windows }),
            blockedUntilMs: 0,
          },
          fetch: fetchImpl,
          hasHostAccess: async (origins) => {
            asked.push(origins);
            return granted(origins);
          },
        },
      );
      return { client, sent, asked };
    }

    it('sends nothing without access, and names the host and what to ask for', async () => {
      const { client, sent, asked } = clientWithAccess(() => false);
      const error = await failure(client.setNoSpeaking('spammer', { c2c: 60 }));
      expect(error.data).toEqual({
        category: 'no-host-access',
        code: null,
        attempts: 0,
        access: {
          host: 'adminapisgp.im.qcloud.com',
          origins: ['https://adminapisgp.im.qcloud.com/*', 'https://adminapisgp.my-imcloud.com/*'],
        },
      });
      expect(sent).toHaveLength(0);
      expect(asked).toEqual([error.data.access?.origins]);
    });

    it('asks for a custom endpoint by its own host', async () => {
      const { client, sent } = clientWithAccess(() => false, {
        kind: 'custom',
        baseUrl: 'https://chat-proxy.example.com/tencent',
      });
      const error = await failure(client.getNoSpeaking('alice'));
      expect(error.data.access).toEqual({
        host: 'chat-proxy.example.com',
        origins: ['https://chat-proxy.example.com/*'],
      });
      expect(sent).toHaveLength(0);
    });

    it('is not retried, and does not stick: the call after access is given goes out', async () => {
      let granted = false;
      const { client, sent, asked } = clientWithAccess(() => granted);
      await failure(client.setNoSpeaking('spammer', { c2c: 60 }));
      expect(asked).toHaveLength(1);
      granted = true;
      await client.setNoSpeaking('spammer', { c2c: 60 });
      expect(sent).toHaveLength(1);
      expect(sent[0]?.url.host).toBe('adminapisgp.im.qcloud.com');
    });
  });
});
