import type { Redis } from 'ioredis';
import { fenceOf } from './sentinel/write-fence-of.js';

/** Thrown when a write reached the master but may not survive a failover (maps to UNAVAILABLE). */
export class WriteNotAcknowledgedError extends Error {
  override readonly name = 'WriteNotAcknowledgedError';
}

/** `WAIT numreplicas timeout` after a write; 0 replicas = no WAIT (a single Redis). */
export type WriteAcknowledgement = {
  readonly replicas: number;
  readonly timeoutMs: number;
};

/**
 * Runs `write` (a script on `redis`) and returns its result only once it may be
 * acknowledged to a client: `WAIT` saw it on `replicas` replicas, and no failover
 * began while it ran (a write racing the promotion of a replica can be lost even if
 * another replica has it). Otherwise it throws: the write may or may not persist, and
 * the client retries (the registry's writes are idempotent). `redis` must be a
 * connection of its own: WAIT blocks the connection, and it waits for every write
 * made on it so far.
 */
export async function acknowledgedWrite<T>(
  redis: Redis,
  acknowledgement: WriteAcknowledgement,
  write: () => Promise<T>,
): Promise<T> {
  const fence = fenceOf(redis);
  const generation = fence?.generation;
  const result = await write();
  if (acknowledgement.replicas > 0) {
    const reached = await redis.wait(acknowledgement.replicas, acknowledgement.timeoutMs);
    if (reached < acknowledgement.replicas) {
      throw new WriteNotAcknowledgedError(
        `write reached ${reached} of ${acknowledgement.replicas} Redis replicas within ${acknowledgement.timeoutMs} ms`,
      );
    }
  }
  if (fence && fence.generation !== generation)
    throw new WriteNotAcknowledgedError('a Redis failover began during the write');
  return result;
}
