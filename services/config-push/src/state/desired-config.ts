import type { Redis } from 'ioredis';
import { z } from 'zod';
import { RedisKeys, setDesiredConfigScript } from '@gateway/shared';

/** The last accepted render: what every node is asked to run. */
export type DesiredConfig = {
  /** The store epoch `revision` counts in ('' for a record older than epochs). */
  readonly epoch: string;
  readonly revision: number;
  readonly hash: string;
  readonly content: string;
  readonly servers: number;
  readonly groups: readonly string[];
  /** Epoch ms when it was accepted. */
  readonly time: number;
  /** Fence of the lease term that accepted it. */
  readonly fence: number;
};

const desiredShape = z.object({
  epoch: z.string().max(64).default(''),
  revision: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  content: z.string(),
  servers: z.number().int().nonnegative(),
  groups: z.array(z.string()),
  time: z.number(),
  fence: z.number().int().nonnegative(),
});

export async function readDesiredConfig(redis: Redis): Promise<DesiredConfig | undefined> {
  const json = await redis.get(RedisKeys.pushDesired);
  if (json === null) return undefined;
  return desiredShape.parse(JSON.parse(json));
}

/**
 * Writes it under the lease term `leaseValue`: 'written', 'fenced' (not the holder) or
 * 'older' (the recorded one has a newer (epoch, revision)).
 */
export async function writeDesiredConfig(
  redis: Redis,
  leaseValue: string,
  desired: DesiredConfig,
): Promise<'written' | 'fenced' | 'older'> {
  const reply = Number(
    await setDesiredConfigScript.run(
      redis,
      [RedisKeys.pushLeader, RedisKeys.pushDesired],
      [leaseValue, desired.revision, JSON.stringify(desired), desired.epoch],
    ),
  );
  return reply === 1 ? 'written' : reply === 0 ? 'fenced' : 'older';
}
