import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PageAsset } from './page-assets.js';
import type { SseClients } from './sse-clients.js';
import type { StatusFeed } from './status-feed.js';

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export type ConsoleServer = {
  /** host:port it listens on. */
  readonly address: string;
  /** Stops accepting, ends the event streams, closes every connection. */
  close(): Promise<void>;
};

/**
 * The console's HTTP side, read-only: GET / (the page), /console.js, /console.css,
 * /events (server-sent events: `status` with every new snapshot), /status.json (the
 * current snapshot) and /healthz. Anything else is 404; any other method 405.
 */
export async function startConsoleServer(options: {
  host: string;
  port: number;
  assets: ReadonlyMap<string, PageAsset>;
  feed: StatusFeed;
  clients: SseClients;
}): Promise<ConsoleServer> {
  const { assets, feed, clients } = options;
  const unsubscribe = feed.subscribe((snapshot) => clients.broadcast('status', snapshot));

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', ...SECURITY_HEADERS }).end();
      return;
    }
    if (path === '/events') {
      if (!clients.add(response)) {
        response
          .writeHead(503, {
            'retry-after': '10',
            'content-type': 'text/plain',
            ...SECURITY_HEADERS,
          })
          .end('too many console clients\n');
        return;
      }
      const snapshot = feed.current();
      if (snapshot) clients.send(response, 'status', snapshot);
      return;
    }
    if (path === '/status.json') {
      const snapshot = feed.current();
      response.writeHead(snapshot ? 200 : 503, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        ...SECURITY_HEADERS,
      });
      response.end(JSON.stringify(snapshot ?? { error: 'status not gathered yet' }));
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain', ...SECURITY_HEADERS }).end('ok\n');
      return;
    }
    const asset = assets.get(path);
    if (!asset) {
      response
        .writeHead(404, { 'content-type': 'text/plain', ...SECURITY_HEADERS })
        .end('not found\n');
      return;
    }
    response.writeHead(200, {
      'content-type': asset.type,
      'content-length': asset.body.length,
      'cache-control': 'no-cache',
      ...SECURITY_HEADERS,
    });
    response.end(request.method === 'HEAD' ? undefined : asset.body);
  };

  const server: Server = createServer(handle);
  // Bounds on what a client may hold: headers in 10 s, idle keep-alive 5 s. The event
  // streams are long-lived responses, not requests: requestTimeout does not cut them.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxConnections = 256;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: `${host}:${bound.port}`,
    async close() {
      unsubscribe();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      clients.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
