import type { Redis } from 'ioredis';
import {
  quarantineInstancesScript,
  readmitInstancesScript,
  RedisChannels,
  RedisKeys,
  type QuarantineEntry,
} from '@gateway/shared';

export type QuarantineWrite =
  | { readonly outcome: 'written'; readonly added: readonly string[] }
  | { readonly outcome: 'fenced' }
  | { readonly outcome: 'full' };

/** Quarantines (or updates) `entries` under the lease term, within `limit` entries in all. */
export async function writeQuarantine(
  redis: Redis,
  leaseValue: string,
  limit: number,
  entries: readonly QuarantineEntry[],
): Promise<QuarantineWrite> {
  const reply = await quarantineInstancesScript.run(
    redis,
    [RedisKeys.pushLeader, RedisKeys.pushQuarantine],
    [
      leaseValue,
      limit,
      RedisChannels.pushQuarantineChanges,
      ...entries.flatMap((entry) => [entry.id, JSON.stringify(entry)]),
    ],
  );
  if (reply === 0) return { outcome: 'fenced' };
  if (reply === -1) return { outcome: 'full' };
  return { outcome: 'written', added: (reply as [number, ...string[]]).slice(1) as string[] };
}

/** Takes `ids` out of quarantine under the lease term; the ids really removed, or undefined when fenced. */
export async function readmit(
  redis: Redis,
  leaseValue: string,
  ids: readonly string[],
): Promise<string[] | undefined> {
  if (ids.length === 0) return [];
  const reply = await readmitInstancesScript.run(
    redis,
    [RedisKeys.pushLeader, RedisKeys.pushQuarantine],
    [leaseValue, RedisChannels.pushQuarantineChanges, ...ids],
  );
  if (reply === 0) return undefined;
  return (reply as [number, ...string[]]).slice(1) as string[];
}
