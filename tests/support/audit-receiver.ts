import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import selfsigned from 'selfsigned';

/**
 * A receiver for audit deliveries, as a team would run one (README, "For teams"), over HTTPS on
 * loopback. Tests map real host names to it (`--host-resolver-rules`):
 * - `POST /audit` takes signed JSON: checks `Mute-Console-Signature` (HMAC-SHA256 over
 *   `<timestamp>.<body>` with `secret`) and that `Mute-Console-Timestamp` is within five minutes,
 *   and refuses an `Idempotency-Key` it already has with 409;
 * - `POST /slack/…` takes `{ text }` and `POST /discord/…` takes `{ content }`, as those
 *   webhooks do.
 * Its `mode` makes it a destination that is down (connection reset), answers with a status,
 * is slow, never answers, or takes a request and then loses its answer (the sender tries again).
 */

export type ReceiverMode =
  | { kind: 'up' }
  | { kind: 'down' }
  | { kind: 'status'; status: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'hang' }
  /** Records the next request, then answers 500 as if its answer were lost. */
  | { kind: 'lose-answer' };

export type Verdict =
  'accepted' | 'duplicate' | 'bad-signature' | 'stale' | 'malformed' | 'refused';

export interface Delivery {
  path: string;
  at: number;
  verdict: Verdict;
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface AuditReceiver {
  port: number;
  secret: string;
  mode: ReceiverMode;
  /** Every request that reached the receiver, whatever came of it. */
  deliveries: Delivery[];
  /** The bodies taken (each JSON id once), in the order they were taken. */
  accepted(pathPrefix?: string): unknown[];
  /** The JSON entries' ids taken, in order. */
  acceptedIds(): string[];
  close(): Promise<void>;
}

/** A signing key the tests give the extension (and a wrong one, for the bad-signature case). */
export const RECEIVER_SECRET = 'receiver-signing-key-0123456789abcdef';
const FRESH_SECONDS = 300;

export async function startAuditReceiver(
  options: { secret?: string; port?: number } = {},
): Promise<AuditReceiver> {
  const secret = options.secret ?? RECEIVER_SECRET;
  const seen = new Set<string>();
  const deliveries: Delivery[] = [];
  const sockets = new Set<Socket>();
  const receiver: AuditReceiver = {
    port: 0,
    secret,
    mode: { kind: 'up' },
    deliveries,
    accepted: (prefix = '/') =>
      deliveries
        .filter((d) => d.verdict === 'accepted' && d.path.startsWith(prefix))
        .map((d) => d.body),
    acceptedIds: () =>
      deliveries
        .filter((d) => d.verdict === 'accepted' && d.path === '/audit')
        .map((d) => d.headers['idempotency-key'] ?? ''),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function judge(
    req: IncomingMessage,
    text: string,
  ): { verdict: Verdict; status: number; body: unknown } {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { verdict: 'malformed', status: 400, body: text };
    }
    const path = req.url ?? '';
    if (path.startsWith('/slack/'))
      return typeof (body as { text?: unknown }).text === 'string'
        ? { verdict: 'accepted', status: 200, body }
        : { verdict: 'malformed', status: 400, body };
    if (path.startsWith('/discord/'))
      return typeof (body as { content?: unknown }).content === 'string'
        ? { verdict: 'accepted', status: 204, body }
        : { verdict: 'malformed', status: 400, body };
    if (path !== '/audit') return { verdict: 'refused', status: 404, body };
    const timestamp = Number(req.headers['mute-console-timestamp']);
    const signature = String(req.headers['mute-console-signature'] ?? '');
    const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${text}`).digest('hex')}`;
    if (
      signature.length !== expected.length ||
      !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
    )
      return { verdict: 'bad-signature', status: 401, body };
    if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > FRESH_SECONDS)
      return { verdict: 'stale', status: 401, body };
    const id = String(req.headers['idempotency-key'] ?? '');
    if (id === '') return { verdict: 'malformed', status: 400, body };
    if (seen.has(id)) return { verdict: 'duplicate', status: 409, body };
    seen.add(id);
    return { verdict: 'accepted', status: 200, body };
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const mode = receiver.mode;
    if (mode.kind === 'down') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (mode.kind === 'hang') return;
      const text = Buffer.concat(chunks).toString('utf8');
      const answer = () => {
        if (mode.kind === 'status') {
          record(req, text, 'refused', mode.status);
          res.writeHead(mode.status).end();
          return;
        }
        const judged = judge(req, text);
        record(req, text, judged.verdict, judged.status, judged.body);
        if (mode.kind === 'lose-answer') {
          receiver.mode = { kind: 'up' };
          res.writeHead(500).end();
          return;
        }
        res.writeHead(judged.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ verdict: judged.verdict }));
      };
      if (mode.kind === 'slow') setTimeout(answer, mode.ms);
      else answer();
    });
  };

  function record(
    req: IncomingMessage,
    text: string,
    verdict: Verdict,
    status: number,
    body?: unknown,
  ) {
    deliveries.push({
      path: req.url ?? '',
      at: Date.now(),
      verdict,
      status,
      headers: {
        'idempotency-key': header(req, 'idempotency-key'),
        'mute-console-timestamp': header(req, 'mute-console-timestamp'),
        'mute-console-signature': header(req, 'mute-console-signature'),
      },
      body: body ?? text,
    });
  }

  const pems = await selfsigned.generate([{ name: 'commonName', value: 'mute-console-receiver' }], {
    keyType: 'ec',
    algorithm: 'sha256',
  });
  const server = createServer({ key: pems.private, cert: pems.cert }, handle);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  return receiver;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The host names tests send to the receiver: a team's collector, Slack's and Discord's. */
export const RECEIVER_HOSTS = ['audit.corp.example', 'hooks.slack.com', 'discord.com'];
