import type { Redis } from 'ioredis';
import { BackgroundLoop, RedisKeys, type Logger, type NodeSpecData } from '@gateway/shared';
import type { ProbeRunner } from '../probe/probe-runner.js';
import type { NodeStore } from './node-store.js';

export type InventoryReconciler = {
  /** Resolves after the first round that reached Redis (the declared nodes are in). */
  readonly firstRound: Promise<void>;
  stop(): Promise<void>;
};

/**
 * Keeps the declared inventory (HEALTH_NODES / HEALTH_NODES_FILE) in Redis, every
 * `intervalMs` on every replica: a declared node missing from the inventory (Redis lost
 * its data, or someone removed it) is put back with its declared spec and probed at
 * once. Each add is the atomic add-node script (HSETNX, revision, ADDED published
 * once), so replicas running the same round at the same moment add a node once. A
 * declared node that is present is left as stored: UpdateNode may have changed it (a
 * rotated host key) and wins until the data is lost. Nodes added through AddNode are
 * never touched. One HMGET per round, plus one script per missing node (at most 1,000
 * declared nodes).
 */
export function InventoryReconciler(options: {
  redis: Redis;
  store: NodeStore;
  runner: ProbeRunner;
  declared: readonly NodeSpecData[];
  intervalMs: number;
  logger: Logger;
}): InventoryReconciler {
  const { redis, store, runner, declared, logger } = options;
  if (declared.length === 0) return { firstRound: Promise.resolve(), stop: async () => {} };
  let markReady: () => void = () => undefined;
  const firstRound = new Promise<void>((resolve) => (markReady = resolve));
  let rounds = 0;
  const loop = BackgroundLoop({
    name: 'inventory-reconcile',
    intervalMs: options.intervalMs,
    logger,
    round: async () => {
      const stored = await redis.hmget(RedisKeys.nodes, ...declared.map((node) => node.ip));
      const restored: string[] = [];
      for (const [index, spec] of declared.entries()) {
        if (stored[index] !== null) continue;
        // Another replica may add it between the HMGET and here: the add is then 'exists'.
        if ((await store.add(spec, { declared: true })) === 'added') restored.push(spec.ip);
      }
      if (rounds === 0) {
        if (restored.length > 0)
          logger.info({ ips: restored }, 'declared nodes added to the inventory');
        // First round: probe every declared node now (the periodic poll may be a minute away).
        runner.startRound({ trigger: 'added', ips: declared.map((node) => node.ip) });
      } else if (restored.length > 0) {
        logger.error(
          { ips: restored },
          'declared nodes were missing from the inventory in Redis (data lost, or removed while still declared): restored',
        );
        runner.startRound({ trigger: 'added', ips: restored });
      }
      rounds++;
      markReady();
    },
  });
  return { firstRound, stop: () => loop.stop() };
}
