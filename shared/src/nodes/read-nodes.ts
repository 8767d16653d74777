import type { Redis } from 'ioredis';
import { RedisKeys } from '../redis/keys.js';
import { HEALTH_STATUSES, type HealthStatusName, type NodeSpecData } from './node.js';
import { decodeStoredNode } from './decode-stored-node.js';

export type NodeWithStatus = {
  readonly spec: NodeSpecData;
  /** From `nginx:gateway:health_status:<ip>`; undefined when never probed. */
  readonly status: HealthStatusName | undefined;
};

/**
 * Reads the node inventory, then each node's UP/DOWN status (two round trips). Entries
 * that fail validation are returned apart and never used. Sorted by ip.
 */
export async function readNodesWithStatus(redis: Redis): Promise<{
  nodes: NodeWithStatus[];
  invalid: Array<{ ip: string; error: string }>;
}> {
  const hash = await redis.hgetall(RedisKeys.nodes);
  const ips = Object.keys(hash).sort();
  const statuses =
    ips.length === 0 ? [] : await redis.mget(ips.map((ip) => RedisKeys.healthStatus(ip)));
  const nodes: NodeWithStatus[] = [];
  const invalid: Array<{ ip: string; error: string }> = [];
  ips.forEach((ip, index) => {
    try {
      const spec = decodeStoredNode(ip, hash[ip]);
      const status = statuses[index];
      nodes.push({
        spec,
        status: HEALTH_STATUSES.includes(status as never)
          ? (status as HealthStatusName)
          : undefined,
      });
    } catch (error) {
      invalid.push({ ip, error: error instanceof Error ? error.message : String(error) });
    }
  });
  return { nodes, invalid };
}
