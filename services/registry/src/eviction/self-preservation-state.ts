import type { Redis } from 'ioredis';
import { RedisKeys } from '@gateway/shared';

export type SelfPreservationState = {
  readonly expiredCount: number;
  /** Instances evicted within the window before this decision. */
  readonly recentlyEvicted: number;
  readonly totalCount: number;
  /** Epoch ms (Redis server time) of the eviction run that held back. */
  readonly decideTime: number;
};

/** The last eviction run's self-preservation decision, if it is holding back now. */
export async function readSelfPreservation(
  redis: Redis,
): Promise<SelfPreservationState | undefined> {
  return parseSelfPreservation(await redis.get(RedisKeys.instancesSelfPreservation));
}

/** The stored decision (the eviction script writes it): its known fields, or undefined when none. */
export function parseSelfPreservation(json: string | null): SelfPreservationState | undefined {
  if (!json) return undefined;
  const parsed = JSON.parse(json) as SelfPreservationState;
  return {
    expiredCount: parsed.expiredCount,
    recentlyEvicted: parsed.recentlyEvicted,
    totalCount: parsed.totalCount,
    decideTime: parsed.decideTime,
  };
}
