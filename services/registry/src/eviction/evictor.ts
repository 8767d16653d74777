import type { Redis } from 'ioredis';
import {
  BackgroundLoop,
  evictExpiredInstancesScript,
  RedisChannels,
  RedisKeys,
  type Logger,
} from '@gateway/shared';

export type EvictionPolicy = {
  readonly intervalMs: number;
  readonly batchSize: number;
  /** Hold back when expired + evicted within `windowMs` exceed this share of all instances... */
  readonly maxShare: number;
  /** ...and are at least this many (so one lone instance can still expire). */
  readonly guardMinimum: number;
  readonly windowMs: number;
};

export type EvictionRound = {
  readonly preserving: boolean;
  readonly expiredCount: number;
  readonly totalCount: number;
  readonly recentlyEvicted: number;
  readonly evicted: ReadonlyArray<{ id: string; revision: number }>;
};

const LOUD_REPEAT_MS = 30_000;

/** Runs one eviction: atomic, so any number of replicas may run it at once. */
export async function evictExpired(redis: Redis, policy: EvictionPolicy): Promise<EvictionRound> {
  const stateTtlMs = Math.max(3 * policy.intervalMs, 5_000);
  const reply = (await evictExpiredInstancesScript.run(
    redis,
    [
      RedisKeys.instances,
      RedisKeys.instanceLeases,
      RedisKeys.instancesRevision,
      RedisKeys.instancesSelfPreservation,
      RedisKeys.instanceEvictions,
      RedisKeys.instanceIndex,
    ],
    [
      RedisChannels.instanceChanges,
      policy.maxShare,
      policy.guardMinimum,
      policy.batchSize,
      stateTtlMs,
      policy.windowMs,
      RedisKeys.instanceGroupIndexPrefix,
    ],
  )) as Array<number | string>;
  const evicted: Array<{ id: string; revision: number }> = [];
  for (let i = 4; i < reply.length; i += 2)
    evicted.push({ id: String(reply[i]), revision: Number(reply[i + 1]) });
  return {
    preserving: reply[0] === 1,
    expiredCount: Number(reply[1]),
    totalCount: Number(reply[2]),
    recentlyEvicted: Number(reply[3]),
    evicted,
  };
}

/**
 * Every replica runs this loop; whichever gets to an expired instance first evicts
 * it. Self-preservation is logged loudly when it starts, every 30 s while it lasts,
 * and when it ends.
 */
export function Evictor(options: {
  redis: Redis;
  policy: EvictionPolicy;
  logger: Logger;
}): BackgroundLoop {
  const { redis, policy, logger } = options;
  let preservingSince: number | undefined;
  let lastLoud = 0;
  return BackgroundLoop({
    name: 'evictor',
    intervalMs: policy.intervalMs,
    logger,
    round: async () => {
      const round = await evictExpired(redis, policy);
      if (round.preserving) {
        const now = Date.now();
        if (preservingSince === undefined || now - lastLoud >= LOUD_REPEAT_MS) {
          logger.error(
            {
              expiredCount: round.expiredCount,
              recentlyEvicted: round.recentlyEvicted,
              totalCount: round.totalCount,
              maxShare: policy.maxShare,
            },
            'SELF-PRESERVATION: too many leases expired at once (Redis or network pause?); evicting nothing until heartbeats return',
          );
          lastLoud = now;
        }
        preservingSince ??= now;
        return;
      }
      if (preservingSince !== undefined) {
        logger.warn(
          { durationMs: Date.now() - preservingSince },
          'self-preservation ended: evicting expired instances again',
        );
        preservingSince = undefined;
      }
      for (const { id, revision } of round.evicted)
        logger.info({ id, revision }, 'lease expired: instance evicted');
    },
  });
}
