import type { Redis } from 'ioredis';
import { RedisKeys } from '../redis/keys.js';
import { decodeStoredInstance } from './decode-stored-instance.js';
import type { LeasedInstance } from './instance.js';

export type InstanceSnapshot = {
  /** The store epoch the revision counts in ('' while the dataset has none: nothing written yet). */
  readonly epoch: string;
  /** The registry revision the instances were read at. */
  readonly revision: number;
  /** Sorted by id. */
  readonly instances: readonly LeasedInstance[];
  /** Fields of the hash that failed validation: skipped, never rendered. */
  readonly invalid: ReadonlyArray<{ id: string; error: string }>;
};

/** Reads every instance, its lease, the revision and the epoch in one MULTI, so they agree. */
export async function readInstanceSnapshot(redis: Redis): Promise<InstanceSnapshot> {
  const replies = await redis
    .multi()
    .hgetall(RedisKeys.instances)
    .zrange(RedisKeys.instanceLeases, 0, -1, 'WITHSCORES')
    .get(RedisKeys.instancesRevision)
    .get(RedisKeys.instancesEpoch)
    .exec();
  if (!replies) throw new Error('the snapshot transaction was aborted');
  for (const [error] of replies) if (error) throw error;
  const hash = replies[0][1] as Record<string, string>;
  const leaseList = replies[1][1] as string[];
  const revision = Number(replies[2][1] ?? 0);
  const epoch = (replies[3][1] as string | null) ?? '';

  const leases = new Map<string, number>();
  for (let i = 0; i < leaseList.length; i += 2) leases.set(leaseList[i], Number(leaseList[i + 1]));

  const instances: LeasedInstance[] = [];
  const invalid: Array<{ id: string; error: string }> = [];
  for (const id of Object.keys(hash).sort()) {
    try {
      const stored = decodeStoredInstance(id, hash[id]);
      instances.push({ ...stored, leaseExpireTime: leases.get(id) ?? 0 });
    } catch (error) {
      invalid.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { epoch, revision, instances, invalid };
}
