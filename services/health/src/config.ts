import { hostname } from 'node:os';
import { z } from 'zod';
import {
  alertConfigShape,
  alertSettings,
  commonConfigShape,
  ConfigError,
  durationMs,
  fraction,
  integer,
  loadConfig,
  metricsListen,
  type AlertSettings,
  type Environment,
  type NodeSpecData,
} from '@gateway/shared';
import { parseSeedNodes } from './inventory/seed-nodes.js';

/** Every variable the health service reads; documented in docs/health.md and the README. */
export const healthConfigShape = {
  // Its largest valid request (AddNode with a pinned host key) is a few KiB.
  ...commonConfigShape('127.0.0.1:50052', 32 * 1024),
  METRICS_LISTEN: metricsListen('127.0.0.1:9452'),
  HEALTH_REPLICA_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:/-]{1,128}$/, 'must be 1-128 letters, digits or . _ : / -')
    .optional(),
  HEALTH_POLL_INTERVAL: durationMs({ min: 1_000, max: 86_400_000, default: 60_000 }),
  HEALTH_PROBE_CONNECT_TIMEOUT: durationMs({ min: 50, max: 60_000, default: 1_000 }),
  HEALTH_PROBE_TIMEOUT: durationMs({ min: 100, max: 120_000, default: 3_000 }),
  HEALTH_RISE: integer({ min: 1, max: 100, default: 1 }),
  HEALTH_FALL: integer({ min: 1, max: 100, default: 1 }),
  HEALTH_COALESCE_WINDOW: durationMs({ min: 100, max: 600_000, default: 1_000 }),
  HEALTH_REPORT_RATE_LIMIT: integer({ min: 1, max: 1_000_000, default: 10 }),
  HEALTH_REPORT_RATE_WINDOW: durationMs({ min: 1_000, max: 86_400_000, default: 60_000 }),
  HEALTH_STALE_AFTER: durationMs({ min: 1_000, max: 604_800_000, default: 0 }),
  HEALTH_MASS_FAILURE_SHARE: fraction({ min: 0, max: 1, default: 1 }),
  HEALTH_MASS_FAILURE_MIN_NODES: integer({ min: 2, max: 1_000_000, default: 2 }),
  HEALTH_MASS_FAILURE_RECHECK_DELAY: durationMs({ min: 0, max: 60_000, default: 1_000 }),
  HEALTH_MASS_FAILURE_PEER_WAIT: durationMs({ min: 0, max: 120_000, default: 0 }),
  HEALTH_CONNECTIVITY_CHECK_URL: z
    .string()
    .optional()
    .refine((text) => text === undefined || /^https?:\/\/./.test(text), {
      message: 'must be an http(s) URL',
    }),
  ...alertConfigShape('HEALTH'),
  // Every node is probed each round and gets every push: the inventory is bounded.
  HEALTH_MAX_NODES: integer({ min: 1, max: 1_000, default: 64 }),
  HEALTH_NODES: z.string().optional(),
  HEALTH_NODES_FILE: z.string().optional(),
  HEALTH_INVENTORY_RECONCILE_INTERVAL: durationMs({ min: 1_000, max: 3_600_000, default: 10_000 }),
  HEALTH_WATCH_REVISION_POLL: durationMs({ min: 100, max: 60_000, default: 2_000 }),
  // Largest encoded WatchNodes message: well under gRPC's default 4 MiB receive limit.
  HEALTH_MAX_MESSAGE_BYTES: integer({ min: 65_536, max: 4_128_768, default: 1_048_576 }),
};

type ParsedEnv = ReturnType<typeof loadConfig<typeof healthConfigShape>>;

export type HealthConfig = Readonly<
  Omit<ParsedEnv, 'HEALTH_STALE_AFTER' | 'HEALTH_REPLICA_ID' | 'HEALTH_MASS_FAILURE_PEER_WAIT'> & {
    /** How long a replica waits for the others' answers (default the probe timeout + 1 s). */
    HEALTH_MASS_FAILURE_PEER_WAIT: number;
    /** Effective staleness threshold (default three poll intervals). */
    HEALTH_STALE_AFTER: number;
    HEALTH_REPLICA_ID: string;
    /** Where and how alerts are delivered (HEALTH_ALERT_*). */
    alerts: AlertSettings;
    /** The declared nodes (HEALTH_NODES and HEALTH_NODES_FILE), put back whenever missing from Redis. */
    seedNodes: readonly NodeSpecData[];
  }
>;

/** Loads and checks the environment; a bad value is a ConfigError naming the variable. */
export function loadHealthConfig(env: Environment): HealthConfig {
  const parsed = loadConfig(healthConfigShape, env);
  if (parsed.HEALTH_PROBE_CONNECT_TIMEOUT > parsed.HEALTH_PROBE_TIMEOUT) {
    throw new ConfigError('HEALTH_PROBE_CONNECT_TIMEOUT', 'must not exceed HEALTH_PROBE_TIMEOUT');
  }
  const alerts = alertSettings('HEALTH', parsed);
  const staleAfter = parsed.HEALTH_STALE_AFTER || 3 * parsed.HEALTH_POLL_INTERVAL;
  if (staleAfter <= parsed.HEALTH_POLL_INTERVAL) {
    throw new ConfigError('HEALTH_STALE_AFTER', 'must be longer than HEALTH_POLL_INTERVAL');
  }
  const seedNodes = parseSeedNodes(parsed.HEALTH_NODES, parsed.HEALTH_NODES_FILE);
  if (seedNodes.length > parsed.HEALTH_MAX_NODES) {
    throw new ConfigError(
      'HEALTH_MAX_NODES',
      `is ${parsed.HEALTH_MAX_NODES}, below the ${seedNodes.length} nodes HEALTH_NODES/HEALTH_NODES_FILE declare`,
    );
  }
  return Object.freeze({
    ...parsed,
    HEALTH_STALE_AFTER: staleAfter,
    HEALTH_MASS_FAILURE_PEER_WAIT:
      parsed.HEALTH_MASS_FAILURE_PEER_WAIT || parsed.HEALTH_PROBE_TIMEOUT + 1_000,
    alerts,
    HEALTH_REPLICA_ID: parsed.HEALTH_REPLICA_ID ?? `${hostname()}/${process.pid}`,
    seedNodes: Object.freeze(seedNodes),
  });
}
