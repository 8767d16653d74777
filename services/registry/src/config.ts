import {
  commonConfigShape,
  ConfigError,
  durationMs,
  fraction,
  heapGrowingPercent,
  integer,
  loadConfig,
  metricsListen,
  type Environment,
} from '@gateway/shared';
import { z } from 'zod';
import { HostPolicy, HostPolicyError } from './policy/host-policy.js';

/** Every variable the registry reads; documented in the README's configuration table. */
export const registryConfigShape = {
  // Its largest valid request (Register at full metadata) is some 20 KiB.
  ...commonConfigShape('127.0.0.1:50051', 64 * 1024),
  METRICS_LISTEN: metricsListen('127.0.0.1:9451'),
  REGISTRY_LEASE_DEFAULT: durationMs({ min: 1_000, max: 3_600_000, default: 15_000 }),
  REGISTRY_LEASE_MIN: durationMs({ min: 1_000, max: 3_600_000, default: 1_000 }),
  REGISTRY_LEASE_MAX: durationMs({ min: 1_000, max: 86_400_000, default: 300_000 }),
  REGISTRY_EVICTION_INTERVAL: durationMs({ min: 100, max: 60_000, default: 1_000 }),
  REGISTRY_EVICTION_BATCH: integer({ min: 1, max: 10_000, default: 500 }),
  REGISTRY_SELF_PRESERVATION_SHARE: fraction({ min: 0, max: 1, default: 0.5 }),
  REGISTRY_SELF_PRESERVATION_MIN_EXPIRED: integer({ min: 1, max: 1_000_000, default: 3 }),
  REGISTRY_SELF_PRESERVATION_WINDOW: durationMs({ min: 1_000, max: 3_600_000, default: 60_000 }),
  REGISTRY_REVISION_POLL_INTERVAL: durationMs({ min: 100, max: 60_000, default: 2_000 }),
  REGISTRY_WATCH_QUEUE_LIMIT: integer({ min: 100, max: 1_000_000, default: 10_000 }),
  // Snapshot chunks built at once (see watch/snapshot-gate.ts): the replica's memory peak
  // when many watchers connect at once; the rest wait their turn, in order, for a bounded time.
  REGISTRY_WATCH_SNAPSHOT_CONCURRENCY: integer({ min: 1, max: 256, default: 4 }),
  REGISTRY_WATCH_SNAPSHOT_QUEUE_LIMIT: integer({ min: 1, max: 1_000_000, default: 10_000 }),
  REGISTRY_WATCH_SNAPSHOT_WAIT_TIMEOUT: durationMs({ min: 1_000, max: 600_000, default: 60_000 }),
  // Old-generation growth between full GCs, % (see heap-growth.ts); 0 = V8's own factor.
  REGISTRY_HEAP_GROWING_PERCENT: heapGrowingPercent(30),
  REDIS_WAIT_REPLICAS: integer({ min: 0, max: 16, default: 0 }),
  REDIS_WAIT_TIMEOUT: durationMs({ min: 10, max: 60_000, default: 500 }),
  // Largest encoded ListInstances page or WatchInstances message: well under gRPC's default
  // 4 MiB receive limit, which a client that sets nothing has.
  REGISTRY_MAX_MESSAGE_BYTES: integer({ min: 65_536, max: 4_128_768, default: 1_048_576 }),
  // Which instance hosts Register accepts (see policy/host-policy.ts and docs/security.md):
  // loopback, link-local and unspecified addresses only when named explicitly.
  REGISTRY_ALLOWED_HOSTS: z.string().default('*'),
  REGISTRY_INDEX_CHECK_INTERVAL: durationMs({ min: 1_000, max: 3_600_000, default: 10_000 }),
};

export type RegistryConfig = ReturnType<typeof loadRegistryConfig>;

export function loadRegistryConfig(env: Environment) {
  const config = loadConfig(registryConfigShape, env);
  if (config.REGISTRY_LEASE_MIN > config.REGISTRY_LEASE_MAX) {
    throw new ConfigError('REGISTRY_LEASE_MIN', 'must not exceed REGISTRY_LEASE_MAX');
  }
  if (
    config.REGISTRY_LEASE_DEFAULT < config.REGISTRY_LEASE_MIN ||
    config.REGISTRY_LEASE_DEFAULT > config.REGISTRY_LEASE_MAX
  ) {
    throw new ConfigError(
      'REGISTRY_LEASE_DEFAULT',
      'must lie between REGISTRY_LEASE_MIN and REGISTRY_LEASE_MAX',
    );
  }
  if (config.REDIS_WAIT_REPLICAS > 0 && config.REDIS_WAIT_TIMEOUT >= config.REDIS_COMMAND_TIMEOUT) {
    throw new ConfigError(
      'REDIS_WAIT_TIMEOUT',
      'must be shorter than REDIS_COMMAND_TIMEOUT (the WAIT command would time out first)',
    );
  }
  try {
    HostPolicy(config.REGISTRY_ALLOWED_HOSTS);
  } catch (error) {
    if (error instanceof HostPolicyError)
      throw new ConfigError('REGISTRY_ALLOWED_HOSTS', error.message);
    throw error;
  }
  return config;
}
