import type { ServerResponse } from 'node:http';

export type SseLimits = {
  /** Open event streams at most; one more is refused with 503. */
  readonly maxClients: number;
  /** A client whose unsent output exceeds this many bytes is too slow: disconnected. */
  readonly maxBufferedBytes: number;
  /** A comment line is sent this often, so proxies and the browser see the stream alive. */
  readonly heartbeatMs: number;
};

export const DEFAULT_SSE_LIMITS: SseLimits = {
  maxClients: 32,
  maxBufferedBytes: 1024 * 1024,
  heartbeatMs: 15_000,
};

export type SseClients = {
  /** Takes the response over as an event stream; false (and nothing written) when full. */
  add(response: ServerResponse): boolean;
  /** Sends one event to every client; a client too slow to keep up is dropped. */
  broadcast(event: string, data: unknown): void;
  /** Sends one event to one client (the current status on connect). */
  send(response: ServerResponse, event: string, data: unknown): void;
  size(): number;
  /** Clients dropped for being too slow, so far. */
  dropped(): number;
  /** Ends every stream. */
  close(): void;
};

/** The console's server-sent-event clients: capped, heartbeated, slow ones dropped. */
export function SseClients(limits: SseLimits = DEFAULT_SSE_LIMITS): SseClients {
  const clients = new Set<ServerResponse>();
  let droppedCount = 0;

  const write = (response: ServerResponse, text: string) => {
    if (response.writableLength > limits.maxBufferedBytes) {
      // Nothing we sent for a while has drained: the client cannot keep up.
      droppedCount += 1;
      clients.delete(response);
      response.destroy();
      return;
    }
    response.write(text);
  };
  const frame = (event: string, data: unknown) =>
    `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  const heartbeat = setInterval(() => {
    for (const response of clients) write(response, `: heartbeat ${Date.now()}\n\n`);
  }, limits.heartbeatMs);
  heartbeat.unref();

  return {
    add(response) {
      if (clients.size >= limits.maxClients) return false;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      // The browser reconnects after this long if the stream breaks.
      response.write('retry: 2000\n\n');
      clients.add(response);
      response.on('close', () => clients.delete(response));
      return true;
    },
    broadcast(event, data) {
      const text = frame(event, data);
      for (const response of clients) write(response, text);
    },
    send(response, event, data) {
      write(response, frame(event, data));
    },
    size: () => clients.size,
    dropped: () => droppedCount,
    close() {
      clearInterval(heartbeat);
      for (const response of clients) response.end();
      clients.clear();
    },
  };
}
