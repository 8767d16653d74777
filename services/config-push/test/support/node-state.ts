import type { Redis } from 'ioredis';
import { RedisChannels, RedisKeys, type NodeSpecData } from '@gateway/shared';

/** Puts a node in the inventory (as the health service's AddNode does) and announces it. */
export async function addNodeToInventory(redis: Redis, spec: NodeSpecData): Promise<void> {
  await redis.hset(RedisKeys.nodes, spec.ip, JSON.stringify(spec));
  await redis.publish(
    RedisChannels.nodeChanges,
    JSON.stringify({ type: 'ADDED', ip: spec.ip, revision: 0 }),
  );
}

/** Sets a node's status and publishes the transition exactly as the health service does. */
export async function setNodeStatus(
  redis: Redis,
  ip: string,
  status: 'UP' | 'DOWN',
  reason = 'test',
): Promise<void> {
  const previous = await redis.getset(RedisKeys.healthStatus(ip), status);
  await redis.publish(
    RedisChannels.healthChanges,
    JSON.stringify({ ip, status, previous: previous ?? '', time: Date.now(), reason, revision: 0 }),
  );
}
