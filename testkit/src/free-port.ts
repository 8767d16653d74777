import { createServer } from 'node:net';
import type { ServiceName } from './repo-paths.js';

/**
 * The services' default ports (GRPC_LISTEN 127.0.0.1:50051–50053): the local stack and
 * its test bind exactly these, so freePort never hands them out to another test.
 */
export const SERVICE_DEFAULT_PORTS: Readonly<Record<ServiceName, number>> = {
  registry: 50051,
  health: 50052,
  'config-push': 50053,
};
/** The services' default METRICS_LISTEN ports (127.0.0.1:9451–9453), reserved the same way. */
export const METRICS_DEFAULT_PORTS: Readonly<Record<ServiceName, number>> = {
  registry: 9451,
  health: 9452,
  'config-push': 9453,
};
const RESERVED = new Set([
  ...Object.values(SERVICE_DEFAULT_PORTS),
  ...Object.values(METRICS_DEFAULT_PORTS),
]);

/** A TCP port free right now on `host` (the kernel's choice, never a service default port). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = await kernelPort(host);
    if (!RESERVED.has(port)) return port;
  }
}

async function kernelPort(host: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
