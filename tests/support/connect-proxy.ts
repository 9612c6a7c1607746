import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * A local HTTP proxy that stands in for DNS in browsers that have no `--host-resolver-rules`
 * (Firefox): the browser sends every request through it (`network.proxy.*` prefs, see
 * tests/support/firefox.ts), and it
 * - tunnels `CONNECT host:port` for a mapped host name to that host's loopback port (any
 *   requested port: `https://adminapisgp.im.qcloud.com/` and `…:8443/` land on the same port),
 *   so TLS, SNI and the Host header stay exactly what the browser sent;
 * - forwards plain-http requests for 127.0.0.1 / localhost (Firefox only sends those here when
 *   `network.proxy.allow_hijacking_localhost` is true; by default it goes to loopback directly);
 * - refuses everything else with 403, so a test never reaches past this machine. Firefox's own
 *   background traffic (telemetry, remote settings, captive portal checks…) ends here too.
 * Every request is recorded, refused ones included.
 */

export interface ProxyRequest {
  /** Epoch ms. */
  at: number;
  /** "CONNECT" for a tunnel, else the plain-http method. */
  method: string;
  /** Lower-case host name, without the port. */
  host: string;
  port: number;
  /** Tunnelled or forwarded (true), or refused with 403 (false). */
  allowed: boolean;
}

export interface ConnectProxy {
  /** The port on 127.0.0.1 to point `network.proxy.http_port` / `ssl_port` at. */
  port: number;
  /** Everything the browser asked for, in order. */
  readonly requests: readonly ProxyRequest[];
  /** Distinct host names asked for (allowed or not), in first-asked order. */
  hostsRequested(): string[];
  /** Maps (or re-maps) a host name to a loopback port while running. */
  map(host: string, port: number): void;
  close(): Promise<void>;
}

export interface ConnectProxyOptions {
  /** Host name → port on 127.0.0.1. Names are matched case-insensitively. */
  hosts: Record<string, number>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Splits "host:port" (and "[v6]:port"); `fallbackPort` when there is none. */
function splitAuthority(authority: string, fallbackPort: number): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority.trim());
  if (!match) return { host: authority.toLowerCase(), port: fallbackPort };
  return {
    host: (match[1] as string).toLowerCase(),
    port: match[2] ? Number(match[2]) : fallbackPort,
  };
}

export async function startConnectProxy(options: ConnectProxyOptions): Promise<ConnectProxy> {
  const hosts = new Map<string, number>(
    Object.entries(options.hosts).map(([host, port]) => [host.toLowerCase(), port]),
  );
  const requests: ProxyRequest[] = [];
  // Tunnels are taken over from the HTTP server, which no longer tracks them: close() ends them.
  const open = new Set<Duplex>();
  const track = (socket: Duplex) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // A proxied plain-http request carries an absolute URL: "GET http://host:port/path".
    let target: URL | null = null;
    try {
      target = new URL(req.url ?? '');
    } catch {
      target = null;
    }
    const host = target ? target.hostname.toLowerCase() : '';
    const port = target ? Number(target.port || 80) : 0;
    const allowed = !!target && target.protocol === 'http:' && LOOPBACK.has(host);
    requests.push({ at: Date.now(), method: req.method ?? 'GET', host, port, allowed });
    if (!target || !allowed) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`proxy: ${host} is not mapped\n`);
      return;
    }
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    const { host, port } = splitAuthority(req.url ?? '', 443);
    const mapped = hosts.get(host);
    requests.push({ at: Date.now(), method: 'CONNECT', host, port, allowed: mapped !== undefined });
    client.on('error', () => client.destroy());
    if (mapped === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const upstream: Socket = connect(mapped, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.on('connection', track);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    requests,
    hostsRequested: () => [...new Set(requests.map((r) => r.host))],
    map(host, mappedPort) {
      hosts.set(host.toLowerCase(), mappedPort);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
