import type { Redis } from 'ioredis';
import { BackgroundLoop, RedisKeys, repairInstanceIndexScript, type Logger } from '@gateway/shared';

const REPAIR_BATCH = 500;

/**
 * Keeps the id index (what ListInstances and Watch page through) in line with the hash.
 * The scripts write both atomically, so they only differ when something else wrote the
 * hash (an older registry during an upgrade, a hand edit). Each round compares their sizes
 * (O(1)); only when they differ does it walk both, in batches, and repair.
 */
export async function checkInstanceIndex(
  redis: Redis,
  signal?: AbortSignal,
): Promise<{ added: number; removed: number } | undefined> {
  // In one transaction: a register between the two reads would look like a difference.
  const sizes = await redis.multi().hlen(RedisKeys.instances).zcard(RedisKeys.instanceIndex).exec();
  if (!sizes) throw new Error('the index check transaction was aborted');
  for (const [error] of sizes) if (error) throw error;
  if (sizes[0][1] === sizes[1][1]) return undefined;
  let added = 0;
  let removed = 0;
  const repair = async (ids: string[]) => {
    signal?.throwIfAborted();
    if (ids.length === 0) return;
    const [plus, minus] = (await repairInstanceIndexScript.run(
      redis,
      [RedisKeys.instances, RedisKeys.instanceIndex],
      [RedisKeys.instanceGroupIndexPrefix, ...ids],
    )) as [number, number];
    added += plus;
    removed += minus;
  };
  let cursor = '0';
  do {
    const [next, fields] = await redis.hscan(RedisKeys.instances, cursor, 'COUNT', REPAIR_BATCH);
    cursor = next;
    await repair(fields.filter((_, index) => index % 2 === 0));
  } while (cursor !== '0');
  let from = '-';
  for (;;) {
    const ids = await redis.zrangebylex(
      RedisKeys.instanceIndex,
      from,
      '+',
      'LIMIT',
      0,
      REPAIR_BATCH,
    );
    await repair(ids);
    if (ids.length < REPAIR_BATCH) break;
    from = `(${ids[ids.length - 1]}`;
  }
  return { added, removed };
}

export function IndexCheck(options: {
  redis: Redis;
  intervalMs: number;
  logger: Logger;
}): BackgroundLoop {
  return BackgroundLoop({
    name: 'index-check',
    intervalMs: options.intervalMs,
    logger: options.logger,
    round: async (signal) => {
      const repaired = await checkInstanceIndex(options.redis, signal);
      if (repaired)
        options.logger.warn(repaired, 'instance index differed from the hash: repaired');
    },
  });
}
