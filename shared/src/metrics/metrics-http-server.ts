import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export type MetricsHttpServer = {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Stops accepting, ends open connections; bounded. */
  close(): Promise<void>;
};

const REQUEST_TIMEOUT_MS = 10_000;
const SCRAPE_TIMEOUT_MS = 8_000;
const MAX_CONNECTIONS = 64;

/**
 * The operator's HTTP endpoint of a service: `GET /metrics` (Prometheus text format),
 * `GET /healthz` (200 while the process runs) and `GET /readyz` (200 while `ready()`, 503
 * otherwise). Nothing else: other paths 404, other methods 405. Bounded: header and
 * request timeouts, at most 64 connections, a scrape that takes longer than 8 s fails.
 */
export async function startMetricsHttpServer(options: {
  host: string;
  port: number;
  registry: Registry;
  ready: () => boolean;
  logger: Logger;
}): Promise<MetricsHttpServer> {
  const { registry, logger } = options;
  const server = createServer(
    {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 8 * 1024,
    },
    (request, response) => void answer(request, response),
  );
  server.maxConnections = MAX_CONNECTIONS;

  const send = (response: ServerResponse, status: number, body: string, type = 'text/plain') => {
    response.writeHead(status, {
      'content-type': `${type}; charset=utf-8`,
      'cache-control': 'no-store',
    });
    response.end(body);
  };

  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (!['/metrics', '/healthz', '/readyz'].includes(path))
      return send(response, 404, 'not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return send(response, 405, 'method not allowed\n');
    }
    if (path === '/healthz') return send(response, 200, 'ok\n');
    if (path === '/readyz')
      return options.ready() ? send(response, 200, 'ready\n') : send(response, 503, 'not ready\n');
    let timer: NodeJS.Timeout | undefined;
    try {
      const text = await Promise.race([
        registry.metrics(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('scrape timed out')), SCRAPE_TIMEOUT_MS);
        }),
      ]);
      send(response, 200, text, registry.contentType.split(';')[0]);
    } catch (error) {
      logger.warn({ err: error }, 'metrics scrape failed');
      send(response, 500, 'metrics unavailable (details are in the service log)\n');
    } finally {
      clearTimeout(timer);
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.warn({ err: error }, 'metrics endpoint error'));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 1_000)))]);
      clearTimeout(timer);
    },
  };
}
