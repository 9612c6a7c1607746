import { request } from 'node:https';

/**
 * A fetch for Node tests that sends every https:// request to the emulator on loopback while
 * keeping the original Host header — what Chromium's --host-resolver-rules does in E2E.
 * `unreachable` hosts fail like a DNS error.
 */
export function hostMappedFetch(port: number, unreachable: Set<string> = new Set()): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (unreachable.has(url.hostname)) throw new TypeError('fetch failed: getaddrinfo ENOTFOUND');
    const body = typeof init?.body === 'string' ? init.body : '';
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: init?.method ?? 'GET',
          path: `${url.pathname}${url.search}`,
          headers: { host: url.host, 'content-type': 'application/json' },
          rejectUnauthorized: false,
          servername: url.hostname,
          signal: init?.signal ?? undefined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0 })),
          );
          res.on('error', reject);
        },
      );
      req.on('error', () => reject(new TypeError('fetch failed')));
      req.end(body);
    });
  };
}
