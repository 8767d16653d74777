#!/usr/bin/env node
// An example gateway-core process: answers HTTP requests (what Nginx routes to) and
// keeps itself in the registry with the SDK's registrar: Register at start, Heartbeat
// on a timer, Register again after NOT_FOUND, fail over between registry replicas,
// Deregister on SIGTERM before it stops answering.
import { createServer } from 'node:http';
import { Registrar } from '@gateway/sdk';
import { CONFIG_ERROR_EXIT_CODE, ConfigError, createLogger } from '@gateway/shared';
import { loadCoreConfig, type CoreConfig } from './config.js';

let config: CoreConfig;
try {
  config = loadCoreConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`gateway-core: ${error.message}`);
    process.exit(CONFIG_ERROR_EXIT_CODE);
  }
  throw error;
}
const logger = createLogger('gateway-core', config.LOG_LEVEL);

const server = createServer((request, response) => {
  request.resume();
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ core: config.CORE_ID, method: request.method, path: request.url }));
});
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(config.listen.port, config.listen.host, resolve);
});
logger.info({ listen: config.CORE_LISTEN, id: config.CORE_ID }, 'gateway-core listening');

const registrar = Registrar({
  registries: config.registries,
  token: config.token,
  ...(config.tls ? { tls: config.tls } : {}),
  instance: {
    group: config.CORE_GROUP,
    host: config.advertiseHost,
    port: config.listen.port,
    weight: config.CORE_WEIGHT,
    metadata: { core: config.CORE_ID },
  },
  leaseSeconds: config.CORE_LEASE_SECONDS,
  onEvent: (event) => logger.info({ registrar: event }, `registrar: ${event.type}`),
});
registrar.start();

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: deregistering first, then closing the server');
  const guard = setTimeout(() => process.exit(1), 10_000);
  guard.unref();
  await registrar.stop();
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  process.exit(0);
};
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
