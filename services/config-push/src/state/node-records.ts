import type { Redis } from 'ioredis';
import { RedisChannels, RedisKeys, recordNodePushScript } from '@gateway/shared';

export type OutcomeName = 'APPLIED' | 'UNCHANGED' | 'SKIPPED_DOWN' | 'FAILED' | 'REFUSED';

/** What a node really runs (its last confirmed apply). */
export type AppliedRecord = {
  /** The store epoch of `revision` ('' in a record older than epochs). */
  readonly epoch?: string;
  readonly revision: number;
  readonly hash: string;
  readonly time: number;
  readonly fence: number;
  /** `server` lines of what it runs (absent in a record older than epochs). */
  readonly servers?: number;
};

/** One attempt on one node. */
export type AttemptRecord = {
  readonly ip: string;
  readonly outcome: OutcomeName;
  /** The store epoch of `revision`. */
  readonly epoch: string;
  readonly revision: number;
  readonly hash: string;
  readonly error: string;
  /** Epoch ms. */
  readonly time: number;
  readonly replica: string;
  readonly fence: number;
};

export async function readAppliedRecords(redis: Redis): Promise<Map<string, AppliedRecord>> {
  return parseHash<AppliedRecord>(await redis.hgetall(RedisKeys.pushApplied));
}

export async function readAttemptRecords(redis: Redis): Promise<Map<string, AttemptRecord>> {
  return parseHash<AttemptRecord>(await redis.hgetall(RedisKeys.pushLastResult));
}

/**
 * Records an attempt (and, when the node now runs the config, its applied state) and
 * publishes it, fenced by the lease term: 'recorded', 'fenced' (no longer the holder:
 * nothing written) or 'older' (the node is recorded at a newer revision: nothing written).
 */
export async function recordAttempt(
  redis: Redis,
  leaseValue: string,
  attempt: AttemptRecord,
  /** `server` lines of the config the attempt applied (recorded with the applied state). */
  servers?: number,
): Promise<'recorded' | 'fenced' | 'older'> {
  const ran = attempt.outcome === 'APPLIED' || attempt.outcome === 'UNCHANGED';
  const applied: AppliedRecord | undefined = ran
    ? {
        epoch: attempt.epoch,
        revision: attempt.revision,
        hash: attempt.hash,
        time: attempt.time,
        fence: attempt.fence,
        ...(servers !== undefined ? { servers } : {}),
      }
    : undefined;
  const json = JSON.stringify(attempt);
  const reply = Number(
    await recordNodePushScript.run(
      redis,
      [RedisKeys.pushLeader, RedisKeys.pushApplied, RedisKeys.pushLastResult],
      [
        leaseValue,
        attempt.ip,
        json,
        applied ? JSON.stringify(applied) : '',
        attempt.revision,
        RedisChannels.pushResults,
        json,
        attempt.epoch,
      ],
    ),
  );
  return reply === 1 ? 'recorded' : reply === 0 ? 'fenced' : 'older';
}

function parseHash<T>(hash: Record<string, string>): Map<string, T> {
  const map = new Map<string, T>();
  for (const [field, json] of Object.entries(hash)) {
    try {
      map.set(field, JSON.parse(json) as T);
    } catch {
      // A damaged record counts as none: the node is pushed again.
    }
  }
  return map;
}
