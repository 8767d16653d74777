import { delay } from 'abort-controller-x';
import type { Logger, NodeSpecData } from '@gateway/shared';
import type { ProbeRunner } from '../probe/probe-runner.js';
import type { NodeStore } from './node-store.js';

/**
 * Adds the start-up nodes that are not in the inventory yet, then probes them. Redis
 * stays the source of truth: a node already there is left as it is (change it with
 * UpdateNode). While Redis does not answer, it retries every 2 s until `signal` aborts.
 */
export async function seedInventory(options: {
  nodes: readonly NodeSpecData[];
  store: NodeStore;
  runner: ProbeRunner;
  signal: AbortSignal;
  logger: Logger;
}): Promise<void> {
  const { nodes, store, runner, logger } = options;
  if (nodes.length === 0) return;
  for (;;) {
    try {
      for (const spec of nodes) {
        const outcome = await store.add(spec);
        if (outcome === 'added')
          logger.info(
            { ip: spec.ip, healthUrl: spec.healthUrl },
            'node seeded from the start-up list',
          );
        else
          logger.debug({ ip: spec.ip }, 'start-up node already in the inventory: kept as stored');
      }
      runner.startRound({ trigger: 'added', ips: nodes.map((node) => node.ip) });
      return;
    } catch (error) {
      logger.warn({ err: error }, 'cannot seed the start-up nodes yet: retrying in 2 s');
      try {
        await delay(options.signal, 2_000);
      } catch {
        return;
      }
    }
  }
}
