import { createRequire } from 'node:module';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChatClient } from '../../../utils/chat-api/client';
import { ChatApiError } from '../../../utils/chat-api/errors';
import { CHAT_API_RATE, createRateLimiter } from '../../../utils/chat-api/rate-limiter';
import { mintUserSig } from '../../../utils/usersig';
import { startEmulator, type Emulator } from '../../support/emulator/server';
import { hostMappedFetch } from '../../support/host-mapped-fetch';

const require = createRequire(import.meta.url);
const TLSSigAPIv2 = require('tls-sig-api-v2') as {
  Api: new (
    sdkappid: number,
    key: string,
  ) => { genUserSig(identifier: string, expire: number): string };
};

const SGP = {
  sdkAppId: 1400000001,
  secretKey: 'a'.repeat(64),
  region: 'singapore',
  admins: ['administrator'],
};
const FRA = {
  sdkAppId: 1400000002,
  secretKey: 'b'.repeat(64),
  region: 'frankfurt',
  admins: ['administrator'],
};
const SGP_HOST = 'adminapisgp.im.qcloud.com';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    apps: [SGP, FRA],
    accounts: ['alice', 'bob'],
    blockAfterFailures: 3,
  });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
});

function client(
  overrides: Partial<ConstructorParameters<typeof ChatClient>[0]> = {},
  port = emulator.httpsPort,
) {
  return new ChatClient(
    {
      sdkAppId: SGP.sdkAppId,
      adminAccount: 'administrator',
      secretKey: SGP.secretKey,
      endpoint: { kind: 'region', region: 'singapore' },
      ...overrides,
    },
    {
      traffic: {
        limiter: createRateLimiter({ windows: CHAT_API_RATE.windows }),
        blockedUntilMs: 0,
      },
      fetch: hostMappedFetch(port),
      sleep: async () => {},
      maxAttempts: 1,
    },
  );
}

async function codeOf(promise: Promise<unknown>): Promise<number | null> {
  try {
    await promise;
    return 0;
  } catch (error) {
    if (error instanceof ChatApiError) return error.data.code;
    throw error;
  }
}

/** A hand-made request, for what the product's client would never send. */
async function raw(
  path: string,
  query: Record<string, string>,
  body: string,
  host = SGP_HOST,
): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const fetchMapped = hostMappedFetch(emulator.httpsPort);
  const res = await fetchMapped(`https://${host}${path}?${new URLSearchParams(query).toString()}`, {
    method: 'POST',
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

async function validQuery(app = SGP, identifier = 'administrator') {
  return {
    sdkappid: String(app.sdkAppId),
    identifier,
    usersig: await mintUserSig({
      secretKey: app.secretKey,
      sdkAppId: app.sdkAppId,
      identifier,
      time: Math.floor(Date.now() / 1000),
      expire: 300,
    }),
    random: '12345',
    contenttype: 'json',
  };
}

describe('emulator: global mute', () => {
  it('mutes, reads remaining seconds per scope, and unmutes', async () => {
    const c = client();
    await c.setNoSpeaking('alice', { c2c: 7200 });
    await c.setNoSpeaking('alice', { group: 4294967295 });
    const state = await c.getNoSpeaking('alice');
    expect(state.group).toBe(4294967295);
    expect(state.c2c).toBeGreaterThanOrEqual(7198);
    expect(state.c2c).toBeLessThanOrEqual(7200);
    await c.setNoSpeaking('alice', { c2c: 0, group: 0 });
    expect(await c.getNoSpeaking('alice')).toEqual({ c2c: 0, group: 0 });
    expect(emulator.requests.every((r) => r.userSig?.valid)).toBe(true);
  });

  it('counts a mute down on its clock and lifts it by itself', async () => {
    let clock = Date.now();
    const timed = await startEmulator({ apps: [SGP], accounts: ['bob'], now: () => clock });
    try {
      const c = client({}, timed.httpsPort);
      await c.setNoSpeaking('bob', { c2c: 10, group: 20 });
      clock += 5000;
      expect(await c.getNoSpeaking('bob')).toEqual({ c2c: 5, group: 15 });
      clock += 5000;
      expect(await c.getNoSpeaking('bob')).toEqual({ c2c: 0, group: 10 });
      clock += 10_000;
      expect(await c.getNoSpeaking('bob')).toEqual({ c2c: 0, group: 0 });
    } finally {
      await timed.close();
    }
  });

  it('checks accounts, and refuses to mute one that does not exist', async () => {
    const c = client();
    expect(await c.accountCheck(['alice', 'nobody'])).toEqual([
      { userId: 'alice', exists: true },
      { userId: 'nobody', exists: false },
    ]);
    expect(await codeOf(c.setNoSpeaking('nobody', { c2c: 60 }))).toBe(70107);
    // As one doc version warns, an unknown account reads as permanently muted.
    expect(await c.getNoSpeaking('nobody')).toEqual({ c2c: 4294967295, group: 4294967295 });
  });

  it("accepts a UserSig minted by Tencent's own library", async () => {
    const userSig = new TLSSigAPIv2.Api(SGP.sdkAppId, SGP.secretKey).genUserSig(
      'administrator',
      600,
    );
    const res = await raw(
      '/v4/openconfigsvr/getnospeaking',
      { ...(await validQuery()), usersig: userSig },
      '{"Get_Account":"alice"}',
    );
    expect(res.json).toMatchObject({ ErrorCode: 0, C2CmsgNospeakingTime: 0 });
  });
});

describe('emulator: authentication like the real service', () => {
  it('knows an app only at its own data centre (70016), and not at all elsewhere (70020)', async () => {
    expect(
      await codeOf(
        client({ endpoint: { kind: 'region', region: 'frankfurt' } }).getNoSpeaking('alice'),
      ),
    ).toBe(70016);
    expect(await codeOf(client({ sdkAppId: 1400999999 }).getNoSpeaking('alice'))).toBe(70020);
    const fra = client({
      sdkAppId: FRA.sdkAppId,
      secretKey: FRA.secretKey,
      endpoint: { kind: 'region', region: 'frankfurt' },
    });
    expect(await codeOf(fra.getNoSpeaking('alice'))).toBe(0);
  });

  it('answers on the backup host of the right region too', async () => {
    const res = await raw(
      '/v4/openconfigsvr/getnospeaking',
      await validQuery(),
      '{"Get_Account":"alice"}',
      'adminapisgp.my-imcloud.com',
    );
    expect(res.json).toMatchObject({ ErrorCode: 0 });
  });

  it("rejects a wrong key (70009), another app's UserSig (70014), another identity (70013), an expired one (70001)", async () => {
    expect(await codeOf(client({ secretKey: 'c'.repeat(64) }).getNoSpeaking('alice'))).toBe(70009);
    const q = await validQuery();
    const foreign = await validQuery(FRA);
    expect(
      (
        await raw(
          '/v4/openconfigsvr/getnospeaking',
          { ...q, usersig: foreign.usersig },
          '{"Get_Account":"a"}',
        )
      ).json?.ErrorCode,
    ).toBe(70014);
    const otherId = await validQuery(SGP, 'ops');
    expect(
      (
        await raw(
          '/v4/openconfigsvr/getnospeaking',
          { ...q, usersig: otherId.usersig },
          '{"Get_Account":"a"}',
        )
      ).json?.ErrorCode,
    ).toBe(70013);
    const expired = await mintUserSig({
      secretKey: SGP.secretKey,
      sdkAppId: SGP.sdkAppId,
      identifier: 'administrator',
      time: 1_600_000_000,
      expire: 60,
    });
    expect(
      (
        await raw(
          '/v4/openconfigsvr/getnospeaking',
          { ...q, usersig: expired },
          '{"Get_Account":"a"}',
        )
      ).json?.ErrorCode,
    ).toBe(70001);
  });

  it('rejects a tampered UserSig (70009) and garbage (70003) and nothing (70002)', async () => {
    const q = await validQuery();
    const { deflateSync, inflateSync } = await import('node:zlib');
    const doc = JSON.parse(
      inflateSync(
        Buffer.from(q.usersig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64'),
      ).toString(),
    ) as Record<string, unknown>;
    doc['TLS.expire'] = 99999999;
    const tampered = deflateSync(JSON.stringify(doc))
      .toString('base64')
      .replace(/\+/g, '*')
      .replace(/\//g, '-')
      .replace(/=/g, '_');
    const body = '{"Get_Account":"a"}';
    expect(
      (await raw('/v4/openconfigsvr/getnospeaking', { ...q, usersig: tampered }, body)).json
        ?.ErrorCode,
    ).toBe(70009);
    expect(
      (await raw('/v4/openconfigsvr/getnospeaking', { ...q, usersig: 'garbage' }, body)).json
        ?.ErrorCode,
    ).toBe(70003);
    expect(
      (await raw('/v4/openconfigsvr/getnospeaking', { ...q, usersig: '' }, body)).json?.ErrorCode,
    ).toBe(70002);
  });

  it('requires an App admin (60010), a random (60002) and contenttype=json (60002)', async () => {
    const q = await validQuery(SGP, 'ops');
    expect(
      (await raw('/v4/openconfigsvr/getnospeaking', q, '{"Get_Account":"a"}')).json?.ErrorCode,
    ).toBe(60010);
    const { random: _random, ...noRandom } = await validQuery();
    expect(
      (await raw('/v4/openconfigsvr/getnospeaking', noRandom, '{"Get_Account":"a"}')).json
        ?.ErrorCode,
    ).toBe(60002);
    expect(
      (
        await raw(
          '/v4/openconfigsvr/getnospeaking',
          { ...(await validQuery()), contenttype: 'xml' },
          '{}',
        )
      ).json?.ErrorCode,
    ).toBe(60002);
  });

  it('blocks an app after repeated signature failures (70050)', async () => {
    const bad = client({ secretKey: 'd'.repeat(64) });
    for (let i = 0; i < 3; i++) expect(await codeOf(bad.getNoSpeaking('alice'))).toBe(70009);
    expect(await codeOf(client().getNoSpeaking('alice'))).toBe(70050);
  });
});

describe('emulator: request bodies', () => {
  it.each([
    ['/v4/openconfigsvr/setnospeaking', '{not json', 130001],
    ['/v4/openconfigsvr/setnospeaking', '{"C2CmsgNospeakingTime":1}', 130004],
    ['/v4/openconfigsvr/setnospeaking', '{"Set_Account":"","C2CmsgNospeakingTime":1}', 130005],
    ['/v4/openconfigsvr/setnospeaking', '{"Set_Account":"alice"}', 130008],
    ['/v4/openconfigsvr/getnospeaking', '', 130001],
    ['/v4/openconfigsvr/getnospeaking', '{}', 130002],
    ['/v4/openconfigsvr/getnospeaking', '{"Get_Account":7}', 130003],
  ])('%s with %j answers %i', async (path, body, code) => {
    expect((await raw(path, await validQuery(), body)).json?.ErrorCode).toBe(code);
  });

  it('answers an unknown command with an error and an unknown path with 404', async () => {
    expect((await raw('/v4/openconfigsvr/nosuch', await validQuery(), '{}')).json?.ErrorCode).toBe(
      60009,
    );
    expect((await raw('/elsewhere', await validQuery(), '{}')).status).toBe(404);
  });
});

describe('emulator: limits and faults', () => {
  it('refuses the 201st request of a second with 60007', async () => {
    // A frozen clock: all 205 requests fall in one second however slow the machine is.
    const frozen = await startEmulator({
      apps: [SGP],
      accounts: ['alice'],
      now: () => 1_700_000_000_000,
    });
    try {
      const q = {
        ...(await validQuery()),
        usersig: await mintUserSig({
          secretKey: SGP.secretKey,
          sdkAppId: SGP.sdkAppId,
          identifier: 'administrator',
          time: 1_700_000_000,
          expire: 60,
        }),
      };
      const fetchFrozen = hostMappedFetch(frozen.httpsPort);
      const codes: unknown[] = [];
      for (let i = 0; i < 205; i++) {
        const res = await fetchFrozen(
          `https://${SGP_HOST}/v4/openconfigsvr/getnospeaking?${new URLSearchParams(q).toString()}`,
          { method: 'POST', body: '{"Get_Account":"alice"}' },
        );
        codes.push(((await res.json()) as { ErrorCode: number }).ErrorCode);
      }
      expect(codes.slice(0, 200).every((c) => c === 0)).toBe(true);
      expect(codes.slice(200)).toEqual([60007, 60007, 60007, 60007, 60007]);
    } finally {
      await frozen.close();
    }
  });

  it('injects 502, dropped connections, malformed JSON, latency and forced codes', async () => {
    const q = await validQuery();
    const body = '{"Get_Account":"alice"}';
    emulator.injectFault({ fault: { kind: 'http-502' } });
    expect((await raw('/v4/openconfigsvr/getnospeaking', q, body)).status).toBe(502);
    emulator.injectFault({ fault: { kind: 'malformed-json' } });
    expect((await raw('/v4/openconfigsvr/getnospeaking', q, body)).json).toBeNull();
    emulator.injectFault({
      fault: { kind: 'error-code', code: 130014 },
      command: 'getnospeaking',
      times: 2,
    });
    expect((await raw('/v4/openconfigsvr/getnospeaking', q, body)).json?.ErrorCode).toBe(130014);
    expect((await raw('/v4/openconfigsvr/getnospeaking', q, body)).json?.ErrorCode).toBe(130014);
    expect((await raw('/v4/openconfigsvr/getnospeaking', q, body)).json?.ErrorCode).toBe(0);
    emulator.injectFault({ fault: { kind: 'drop' } });
    await expect(raw('/v4/openconfigsvr/getnospeaking', q, body)).rejects.toThrow(TypeError);
    emulator.injectFault({ fault: { kind: 'latency', ms: 300 } });
    const started = Date.now();
    expect((await raw('/v4/openconfigsvr/getnospeaking', q, body)).json?.ErrorCode).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('applies a fault to one user only when asked', async () => {
    emulator.injectFault({ fault: { kind: 'error-code', code: 70107 }, userId: 'bob' });
    const c = client();
    expect(await codeOf(c.setNoSpeaking('alice', { c2c: 60 }))).toBe(0);
    expect(await codeOf(c.setNoSpeaking('bob', { c2c: 60 }))).toBe(70107);
  });

  it('logs every request with what its UserSig check concluded', async () => {
    await client().getNoSpeaking('alice');
    expect(emulator.requests).toHaveLength(1);
    expect(emulator.requests[0]).toMatchObject({
      host: SGP_HOST,
      command: 'getnospeaking',
      sdkAppId: SGP.sdkAppId,
      identifier: 'administrator',
      userSig: { valid: true, identifier: 'administrator', sdkAppId: SGP.sdkAppId },
      errorCode: 0,
      body: { Get_Account: 'alice' },
    });
  });
});
