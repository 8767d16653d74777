import type { Redis } from 'ioredis';
import {
  BackgroundLoop,
  epochSeed,
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
  /** The longest lease: how long a grace after an outage or master switch may last. */
  readonly graceTtlMs: number;
};

export type EvictionRound = {
  readonly preserving: boolean;
  readonly expiredCount: number;
  readonly totalCount: number;
  readonly recentlyEvicted: number;
  readonly evicted: ReadonlyArray<{ id: string; revision: number }>;
};

const LOUD_REPEAT_MS = 30_000;

/**
 * Runs one eviction: atomic, so any number of replicas may run it at once.
 * `startGrace` records that this replica just came back from a Redis outage or master
 * switch: every instance then keeps one lease duration of grace.
 */
export async function evictExpired(
  redis: Redis,
  policy: EvictionPolicy,
  startGrace = false,
): Promise<EvictionRound> {
  const stateTtlMs = Math.max(3 * policy.intervalMs, 5_000);
  const reply = (await evictExpiredInstancesScript.run(
    redis,
    [
      RedisKeys.instances,
      RedisKeys.instanceLeases,
      RedisKeys.instancesRevision,
      RedisKeys.instancesSelfPreservation,
      RedisKeys.instanceEvictions,
      RedisKeys.instancesEpoch,
      RedisKeys.instancesEvictionGrace,
      RedisKeys.instanceIndex,
    ],
    [
      RedisChannels.instanceChanges,
      policy.maxShare,
      policy.guardMinimum,
      policy.batchSize,
      stateTtlMs,
      policy.windowMs,
      epochSeed(),
      startGrace ? 1 : 0,
      policy.graceTtlMs,
      RedisKeys.instanceGroupIndexPrefix,
      RedisKeys.instanceOwnerIndexPrefix,
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
 * and when it ends. When the connection comes back after closing (a Redis outage, or
 * a Sentinel switch of master) or a round failed, the next round starts a grace.
 */
export function Evictor(options: {
  redis: Redis;
  policy: EvictionPolicy;
  logger: Logger;
  /** Told of every round's result (metrics). */
  onRound?: (round: EvictionRound) => void;
}): BackgroundLoop {
  const { redis, policy, logger } = options;
  let preservingSince: number | undefined;
  let lastLoud = 0;
  let wasReady = redis.status === 'ready';
  let graceOwed = false;
  const onReady = () => {
    if (wasReady) graceOwed = true;
    wasReady = true;
  };
  redis.on('ready', onReady);
  const loop = BackgroundLoop({
    name: 'evictor',
    intervalMs: policy.intervalMs,
    logger,
    round: async () => {
      let round: EvictionRound;
      const startGrace = graceOwed;
      try {
        round = await evictExpired(redis, policy, startGrace);
      } catch (error) {
        graceOwed = true;
        throw error;
      }
      options.onRound?.(round);
      if (startGrace) {
        graceOwed = false;
        logger.warn(
          'redis came back (outage or master switch): no lease is evicted before one lease duration has passed',
        );
      }
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
  return {
    async stop() {
      redis.off('ready', onReady);
      await loop.stop();
    },
  };
}
