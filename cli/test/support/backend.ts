import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A small HTTP server standing for a gateway-core instance: answers its name. */
export type Backend = { readonly port: number; close(): Promise<void> };

export async function startBackend(name: string): Promise<Backend> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    response.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
