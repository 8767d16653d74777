import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { freePort } from '@gateway/testkit';

/** A real local listener with a behaviour, and how to stop it. */
export type LocalServer = {
  readonly url: string;
  readonly port: number;
  /** Requests (or connections, for raw TCP behaviours) it saw. */
  readonly hits: () => number;
  close(): Promise<void>;
};

/** A port with nothing listening: connecting is refused. */
export async function refusingAddress(): Promise<{ url: string; port: number }> {
  const port = await freePort();
  return { url: `http://127.0.0.1:${port}`, port };
}

/** An HTTP server answering every request with `handler`. */
export async function httpServer(
  handler: (req: IncomingMessage, res: ServerResponse, hit: number) => void,
): Promise<LocalServer> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server: Server = createHttpServer((req, res) => {
    hits++;
    req.resume();
    handler(req, res, hits);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits: () => hits,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers `status` with a short body. */
export const answering = (status: number) =>
  httpServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`status ${status}`);
  });

/** Accepts requests and never answers them. */
export const hanging = () => httpServer(() => undefined);

/** Resets (TCP RST) every connection as soon as a request arrives. */
export async function resetting(): Promise<LocalServer> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', () => {
      hits++;
      socket.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits: () => hits,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Accepts TCP connections and never says a word: a hung gRPC center. */
export async function silentTcp(): Promise<{
  address: string;
  connections: () => number;
  close(): Promise<void>;
}> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    address: `127.0.0.1:${port}`,
    connections: () => connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
