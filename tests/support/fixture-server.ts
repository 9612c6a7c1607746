import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import path from 'node:path';
import selfsigned from 'selfsigned';

/**
 * Serves the fixture admin pages in tests/fixtures/pages on loopback, over HTTP (for operator
 * sites in the loopback build) and HTTPS (for Tencent's console host names mapped here).
 * `/big-table.html?rows=N` is generated.
 */
export interface FixtureServer {
  url: string;
  httpsUrl: string;
  port: number;
  httpsPort: number;
  close(): Promise<void>;
}

const ROOT = path.resolve('tests/fixtures/pages');
/** The console-shaped fixtures (Tea and TDesign), by name: `/im/<name>` serves `console/<name>.html`. */
export const CONSOLE_PAGES = new Set(
  readdirSync(path.join(ROOT, 'console'))
    .filter((file) => file.endsWith('.html'))
    .map((file) => file.slice(0, -'.html'.length)),
);
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://fixtures');
  if (url.pathname === '/big-table.html' || url.pathname === '/im/big-table') {
    res
      .writeHead(200, { 'content-type': TYPES['.html'] as string })
      .end(bigTable(Number(url.searchParams.get('rows') ?? 10000)));
    return;
  }
  // Console-like routes (/im/…, /chat/…): a page shaped like one of Tencent's component
  // libraries when tests/fixtures/pages/console has one by the route's last segment, else the
  // console's single-page app stand-in, which serves every route as the console's SPA does.
  const consoleRoute = /^\/(im|chat)\/([a-z0-9-]+)$/.exec(url.pathname);
  const name =
    consoleRoute && CONSOLE_PAGES.has(consoleRoute[2] as string)
      ? `console/${consoleRoute[2]}.html`
      : /^\/(im|chat)(\/|$)/.test(url.pathname)
        ? 'console.html'
        : url.pathname === '/'
          ? 'index.html'
          : url.pathname;
  const file = path.normalize(path.join(ROOT, name));
  if (!file.startsWith(ROOT)) {
    res.writeHead(403).end();
    return;
  }
  readFile(file).then(
    (body) =>
      res
        .writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
        .end(body),
    () => res.writeHead(404).end('not found'),
  );
}

/** A plain auto-layout table of `rows` users: the page the performance targets are about. */
export function bigTable(rows: number): string {
  const body: string[] = [];
  for (let i = 1; i <= rows; i++) {
    const id = `user_${String(i).padStart(5, '0')}`;
    body.push(
      `<tr><td>${i}</td><td class="uid">${id}</td><td>Nickname ${i}</td><td>2026-11-${String((i % 28) + 1).padStart(2, '0')}</td></tr>`,
    );
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${rows} users</title>
<style>body{font:13px system-ui,sans-serif;margin:1rem}td,th{border-bottom:1px solid #ddd;padding:2px 8px}</style></head>
<body><h1>${rows} users</h1><table id="users"><thead><tr><th>#</th><th>UserID</th><th>Nickname</th><th>Created</th></tr></thead>
<tbody>${body.join('')}</tbody></table></body></html>`;
}

export async function startFixtureServer(
  options: { port?: number; httpsPort?: number } = {},
): Promise<FixtureServer> {
  const http = createServer(handle);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'mute-console-fixtures' }], {
    keyType: 'ec',
    algorithm: 'sha256',
  });
  const https = createHttpsServer({ key: pems.private, cert: pems.cert }, handle);
  await listen(http, options.port ?? 0);
  await listen(https, options.httpsPort ?? 0);
  const port = (http.address() as AddressInfo).port;
  const httpsPort = (https.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    port,
    httpsPort,
    close: async () => {
      await Promise.all(
        [http, https].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}
