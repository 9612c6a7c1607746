import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo, Server, Socket } from 'node:net';
import selfsigned from 'selfsigned';
import { checkUserSig } from './usersig-check';
import { peakPerSecond } from './peak-rate';

/**
 * A local stand-in for Tencent Cloud Chat's admin REST API: the calls Mute Console makes,
 * checked the way the real service checks them (chat-api.md), with mute state that counts
 * down in real time, a 200 calls/s limit per app, and faults injected on demand.
 */

/** Region of each admin host, primary and backup, copied from chat-api.md §2 on purpose:
 * the extension's own table is what the wrong-region tests check. */
const REGION_OF_HOST: Record<string, string> = {
  'console.tim.qq.com': 'china',
  'adminapi.my-imcloud.com': 'china',
  'adminapisgp.im.qcloud.com': 'singapore',
  'adminapisgp.my-imcloud.com': 'singapore',
  'adminapikr.im.qcloud.com': 'seoul',
  'adminapikr.my-imcloud.com': 'seoul',
  'adminapijpn.im.qcloud.com': 'tokyo',
  'adminapijpn.my-imcloud.com': 'tokyo',
  'adminapiger.im.qcloud.com': 'frankfurt',
  'adminapiger.my-imcloud.com': 'frankfurt',
  'adminapiusa.im.qcloud.com': 'siliconValley',
  'adminapiusa.my-imcloud.com': 'siliconValley',
  'adminapiidn.im.qcloud.com': 'jakarta',
  'adminapiidn.my-imcloud.com': 'jakarta',
};

export const PERMANENT = 4294967295;

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/** Every admin API host name the emulator answers for, to map onto it in Chromium. */
export function emulatedHosts(): string[] {
  return Object.keys(REGION_OF_HOST);
}

export interface EmulatorApp {
  sdkAppId: number;
  secretKey: string;
  region: string;
  admins: string[];
}

export interface EmulatorOptions {
  apps: EmulatorApp[];
  /** Accounts that exist in every app. */
  accounts?: Iterable<string>;
  /** Requests per second per app before 60007; the real limit is 200. */
  rateLimit?: number;
  /** Failed signature checks within a minute before the app is blocked (70050). */
  blockAfterFailures?: number;
  /** Unknown accounts read as permanently muted, as one version of Tencent's docs warns. */
  unknownAccountsReadPermanent?: boolean;
  host?: string;
  httpPort?: number;
  httpsPort?: number;
  now?: () => number;
}

export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'http-502' }
  | { kind: 'drop' }
  | { kind: 'malformed-json' }
  | { kind: 'error-code'; code: number };

export interface FaultRule {
  fault: Fault;
  /** Only requests for this command (e.g. "setnospeaking"); every command when absent. */
  command?: string;
  /** Only requests naming this user; any user when absent. */
  userId?: string;
  /** How many matching requests it applies to; 1 when absent. */
  times?: number;
}

export interface LoggedRequest {
  /** Epoch ms when the request arrived. */
  at: number;
  host: string;
  path: string;
  command: string;
  sdkAppId: number | null;
  identifier: string | null;
  random: string | null;
  body: unknown;
  /** What the UserSig check concluded: null when it was not reached. */
  userSig: {
    valid: boolean;
    identifier?: string;
    sdkAppId?: number;
    expire?: number;
    time?: number;
  } | null;
  errorCode: number | null;
  httpStatus: number;
}

interface UserMute {
  c2cUntil: number;
  groupUntil: number;
}

interface AppState {
  app: EmulatorApp;
  mutes: Map<string, UserMute>;
  arrivals: number[];
  failedSigs: number[];
  blockedUntil: number;
}

export interface Emulator {
  httpUrl: string;
  httpsUrl: string;
  httpPort: number;
  httpsPort: number;
  readonly requests: LoggedRequest[];
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Remaining seconds per scope, as getnospeaking would answer. */
  muteState(sdkAppId: number, userId: string): { c2c: number; group: number };
  setMute(sdkAppId: number, userId: string, seconds: { c2c?: number; group?: number }): void;
  addAccounts(userIds: Iterable<string>): void;
  /** Forget mutes, logs, faults and blocks; keep apps and accounts. */
  reset(): void;
  /** The most requests for one app seen in any sliding one-second window. */
  peakPerSecond(sdkAppId?: number): number;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const now = options.now ?? Date.now;
  const rateLimit = options.rateLimit ?? 200;
  const blockAfter = options.blockAfterFailures ?? 10;
  const unknownReadsPermanent = options.unknownAccountsReadPermanent ?? true;
  const accounts = new Set(options.accounts ?? []);
  for (const app of options.apps) for (const admin of app.admins) accounts.add(admin);
  const apps = new Map<number, AppState>(
    options.apps.map((app) => [
      app.sdkAppId,
      { app, mutes: new Map(), arrivals: [], failedSigs: [], blockedUntil: 0 },
    ]),
  );
  const requests: LoggedRequest[] = [];
  let faults: Array<FaultRule & { remaining: number }> = [];

  function remaining(until: number): number {
    if (until === Infinity) return PERMANENT;
    return Math.max(0, Math.floor((until - now()) / 1000));
  }
  function untilOf(seconds: number): number {
    if (seconds === 0) return 0;
    if (seconds === PERMANENT) return Infinity;
    return now() + seconds * 1000;
  }
  function stateOf(appState: AppState, userId: string) {
    const mute = appState.mutes.get(userId);
    return { c2c: remaining(mute?.c2cUntil ?? 0), group: remaining(mute?.groupUntil ?? 0) };
  }
  function setMuteOn(
    appState: AppState,
    userId: string,
    seconds: { c2c?: number; group?: number },
  ) {
    const mute = appState.mutes.get(userId) ?? { c2cUntil: 0, groupUntil: 0 };
    if (seconds.c2c !== undefined) mute.c2cUntil = untilOf(seconds.c2c);
    if (seconds.group !== undefined) mute.groupUntil = untilOf(seconds.group);
    appState.mutes.set(userId, mute);
  }
  function appOrThrow(sdkAppId: number): AppState {
    const state = apps.get(sdkAppId);
    if (!state) throw new Error(`emulator has no app ${sdkAppId}`);
    return state;
  }

  function takeFault(command: string, body: unknown): Fault | null {
    const userId = userOf(body);
    const rule = faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.command === undefined || f.command === command) &&
        (f.userId === undefined || f.userId === userId),
    );
    if (!rule) return null;
    rule.remaining--;
    faults = faults.filter((f) => f.remaining > 0);
    return rule.fault;
  }

  async function handle(
    req: Request,
    res: Response,
    raw: string,
    arrivedAt: number,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const authority =
      req.headers.host ?? (req.headers as Record<string, string | undefined>)[':authority'] ?? '';
    const host = authority.replace(/:\d+$/, '').toLowerCase();
    const entry: LoggedRequest = {
      at: arrivedAt,
      host,
      path: url.pathname,
      command: url.pathname.split('/').pop() ?? '',
      sdkAppId: null,
      identifier: url.searchParams.get('identifier'),
      random: url.searchParams.get('random'),
      body: parseJson(raw),
      userSig: null,
      errorCode: null,
      httpStatus: 200,
    };
    const reply = (errorCode: number, extra: Record<string, unknown> = {}, info = '') => {
      entry.errorCode = errorCode;
      send(res, 200, {
        ActionStatus: errorCode === 0 ? 'OK' : 'FAIL',
        ErrorCode: errorCode,
        ErrorInfo: info,
        ...extra,
      });
    };

    // For a client in another process (the benchmarks): what arrived, when, and with what result.
    if (url.pathname === '/__emulator/requests' && req.method === 'GET') {
      const since = Number(url.searchParams.get('since') ?? 0);
      send(
        res,
        200,
        requests.slice(since).map((r) => ({
          at: r.at,
          command: r.command,
          errorCode: r.errorCode,
          sdkAppId: r.sdkAppId,
          time: r.userSig?.time ?? null,
        })),
      );
      return;
    }
    if (url.pathname === '/__emulator/reset' && req.method === 'POST') {
      api.reset();
      send(res, 200, {});
      return;
    }
    const match = /^\/v4\/([a-z_]+)\/([a-z_]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) {
      entry.httpStatus = 404;
      requests.push(entry);
      send(res, 404, { error: 'not found' });
      return;
    }
    requests.push(entry);
    const [, service, command] = match as unknown as [string, string, string];

    const fault = takeFault(command, entry.body);
    if (fault) {
      switch (fault.kind) {
        case 'latency':
          await new Promise((r) => setTimeout(r, fault.ms));
          break;
        case 'http-502':
          entry.httpStatus = 502;
          res.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
          return;
        case 'drop':
          entry.httpStatus = 0;
          // One stream over HTTP/2 (the connection carries others), the socket over HTTP/1.1.
          if ('stream' in req) req.stream.destroy();
          else req.socket.destroy();
          return;
        case 'malformed-json':
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ErrorCode": 0, ');
          return;
        case 'error-code':
          reply(fault.code, {}, 'injected fault');
          return;
      }
    }

    const sdkAppIdText = url.searchParams.get('sdkappid') ?? '';
    const identifier = url.searchParams.get('identifier') ?? '';
    if (!/^\d{1,10}$/.test(sdkAppIdText) || identifier === '') {
      return reply(60002, {}, 'sdkappid or identifier missing');
    }
    if (!/^\d{1,10}$/.test(entry.random ?? '') || Number(entry.random) > 0xffffffff) {
      return reply(60002, {}, 'random missing or invalid');
    }
    if (url.searchParams.get('contenttype') !== 'json') {
      return reply(60002, {}, 'contenttype must be json');
    }
    const sdkAppId = Number(sdkAppIdText);
    entry.sdkAppId = sdkAppId;
    const appState = apps.get(sdkAppId);
    const hostRegion = REGION_OF_HOST[host];
    if (!appState) return reply(70020, {}, 'SDKAppID not found');
    if (hostRegion !== undefined && hostRegion !== appState.app.region) {
      return reply(70016, {}, 'no key for this SDKAppID at this data centre');
    }

    // Rate and expiry are judged at arrival, not after this process got round to the body.
    const t = arrivedAt;
    if (t < appState.blockedUntil) return reply(70050, {}, 'too many failed signature checks');
    appState.arrivals = appState.arrivals.filter((a) => a > t - 1000);
    appState.arrivals.push(t);
    if (appState.arrivals.length > rateLimit) return reply(60007, {}, 'too many requests');

    const sig = checkUserSig({
      userSig: url.searchParams.get('usersig') ?? '',
      sdkAppId,
      identifier,
      secretKey: appState.app.secretKey,
      nowSec: Math.floor(t / 1000),
    });
    entry.userSig = sig.ok
      ? {
          valid: true,
          identifier: sig.identifier,
          sdkAppId: sig.sdkAppId,
          expire: sig.expire,
          time: sig.time,
        }
      : { valid: false };
    if (!sig.ok) {
      if (sig.code === 70009) {
        appState.failedSigs = appState.failedSigs.filter((f) => f > t - 60_000);
        appState.failedSigs.push(t);
        if (appState.failedSigs.length >= blockAfter) appState.blockedUntil = t + 60_000;
      }
      return reply(sig.code, {}, sig.reason);
    }
    if (!appState.app.admins.includes(identifier)) return reply(60010, {}, 'not an App admin');

    const body = entry.body;
    const known = `${service}/${command}`;
    if (known === 'openconfigsvr/setnospeaking') {
      if (!isObject(body)) return reply(130001, {}, 'bad JSON');
      if (!('Set_Account' in body)) return reply(130004, {}, 'Set_Account missing');
      const user = body.Set_Account;
      if (!isUserId(user)) return reply(130005, {}, 'Set_Account invalid');
      const c2c = body.C2CmsgNospeakingTime;
      const group = body.GroupmsgNospeakingTime;
      if (c2c === undefined && group === undefined) return reply(130008, {}, 'no time field');
      if ((c2c !== undefined && !isSeconds(c2c)) || (group !== undefined && !isSeconds(group))) {
        return reply(70402, {}, 'invalid time value');
      }
      if (!accounts.has(user)) return reply(70107, {}, 'account not found');
      setMuteOn(appState, user, {
        ...(c2c === undefined ? {} : { c2c: c2c as number }),
        ...(group === undefined ? {} : { group: group as number }),
      });
      return reply(0);
    }
    if (known === 'openconfigsvr/getnospeaking') {
      if (!isObject(body)) return reply(130001, {}, 'bad JSON');
      if (!('Get_Account' in body)) return reply(130002, {}, 'Get_Account missing');
      const user = body.Get_Account;
      if (!isUserId(user)) return reply(130003, {}, 'Get_Account invalid');
      const state =
        !accounts.has(user) && unknownReadsPermanent
          ? { c2c: PERMANENT, group: PERMANENT }
          : stateOf(appState, user);
      return reply(0, { C2CmsgNospeakingTime: state.c2c, GroupmsgNospeakingTime: state.group });
    }
    if (known === 'im_open_login_svc/account_check') {
      if (!isObject(body) || !Array.isArray(body.CheckItem)) return reply(60003, {}, 'bad body');
      if (body.CheckItem.length === 0 || body.CheckItem.length > 100) {
        return reply(70402, {}, 'CheckItem must hold 1 to 100 items');
      }
      const items = body.CheckItem.map((item: unknown) => {
        const userId = isObject(item) && typeof item.UserID === 'string' ? item.UserID : '';
        return {
          UserID: userId,
          ResultCode: 0,
          ResultInfo: '',
          AccountStatus: accounts.has(userId) ? 'Imported' : 'NotImported',
        };
      });
      return reply(0, { ResultItem: items });
    }
    return reply(60009, {}, `unknown command ${known}`);
  }

  const listener = (req: Request, res: Response) => {
    const arrivedAt = now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'), arrivedAt).catch(
        (error: unknown) => {
          send(res, 500, { error: String(error) });
        },
      );
    });
  };
  const host = options.host ?? '127.0.0.1';
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'mute-console-emulator' }], {
    keyType: 'ec',
    algorithm: 'sha256',
  });
  const httpServer = createHttpServer(listener);
  // HTTP/2 where the client offers it (browsers do), as Tencent's API hosts do; HTTP/1.1 too.
  const httpsServer = createSecureServer(
    { key: pems.private, cert: pems.cert, allowHTTP1: true },
    listener,
  );
  const sockets = new Set<Socket>();
  for (const server of [httpServer, httpsServer]) {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('secureConnection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }
  await listen(httpServer, options.httpPort ?? 0, host);
  await listen(httpsServer, options.httpsPort ?? 0, host);
  const httpPort = (httpServer.address() as AddressInfo).port;
  const httpsPort = (httpsServer.address() as AddressInfo).port;

  const api: Emulator = {
    httpUrl: `http://${host}:${httpPort}`,
    httpsUrl: `https://${host}:${httpsPort}`,
    httpPort,
    httpsPort,
    requests,
    injectFault(rule) {
      faults.push({ ...rule, remaining: rule.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    muteState(sdkAppId, userId) {
      return stateOf(appOrThrow(sdkAppId), userId);
    },
    setMute(sdkAppId, userId, seconds) {
      setMuteOn(appOrThrow(sdkAppId), userId, seconds);
    },
    addAccounts(userIds) {
      for (const id of userIds) accounts.add(id);
    },
    reset() {
      requests.length = 0;
      faults = [];
      for (const state of apps.values()) {
        state.mutes.clear();
        state.arrivals = [];
        state.failedSigs = [];
        state.blockedUntil = 0;
      }
    },
    peakPerSecond(sdkAppId) {
      return peakPerSecond(requests, sdkAppId);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([close(httpServer), close(httpsServer)]);
    },
  };
  return api;
}

function send(res: Response, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The parsed body, or undefined when it is empty or not JSON (the handlers answer 130001). */
function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUserId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && Buffer.byteLength(value) <= 32;
}

function isSeconds(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= PERMANENT;
}

function userOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const user = body.Set_Account ?? body.Get_Account;
  return typeof user === 'string' ? user : undefined;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
