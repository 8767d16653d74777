import type { Redis } from 'ioredis';
import type { GrpcServer } from './grpc-server.js';

/**
 * Keeps a server's grpc.health.v1 status SERVING exactly while every Redis connection
 * is ready and every start-up step (subscriptions, seeding, ...) has completed. A
 * step that fails leaves the service NOT_SERVING. Returns whether it is SERVING now (for /readyz).
 */
export function serveWhileReady(
  server: GrpcServer,
  connections: readonly Redis[],
  startup: ReadonlyArray<Promise<unknown>>,
): () => boolean {
  let started = false;
  const serving = () => started && connections.every((connection) => connection.status === 'ready');
  const update = () => server.setServing(serving());
  for (const connection of connections) {
    connection.on('ready', update);
    connection.on('close', update);
  }
  Promise.all(startup).then(
    () => {
      started = true;
      update();
    },
    () => undefined,
  );
  update();
  return serving;
}
