import type { Clients } from '../connection/clients.js';
import { startConsoleServer } from './console-server.js';
import { loadPageAssets } from './page-assets.js';
import { DEFAULT_SSE_LIMITS, SseClients } from './sse-clients.js';
import { StatusFeed } from './status-feed.js';

/**
 * Runs the status console until `stop` aborts: the feed (watch streams → status), the
 * event-stream clients and the HTTP server. `onListening` gets the address once it
 * listens. On stop: the server stops accepting and ends every stream, then the feed stops
 * its streams and waits for a gather in flight (bounded by the call timeout).
 */
export async function runConsole(options: {
  clients: Clients;
  host: string;
  port: number;
  maxClients: number;
  stop: AbortSignal;
  onListening: (address: string) => void;
}): Promise<void> {
  const assets = loadPageAssets();
  const feed = StatusFeed(options.clients);
  const sse = SseClients({ ...DEFAULT_SSE_LIMITS, maxClients: options.maxClients });
  let server;
  try {
    server = await startConsoleServer({
      host: options.host,
      port: options.port,
      assets,
      feed,
      clients: sse,
    });
  } catch (error) {
    sse.close();
    await feed.stop();
    throw error;
  }
  options.onListening(server.address);
  if (!options.stop.aborted)
    await new Promise((resolve) => options.stop.addEventListener('abort', resolve, { once: true }));
  await server.close();
  await feed.stop();
}
