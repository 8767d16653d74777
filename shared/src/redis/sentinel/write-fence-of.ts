import type { Redis } from 'ioredis';
import type { FailoverFence } from './failover-fence.js';

const fences = new WeakMap<Redis, FailoverFence>();

/** Ties a connection to the fence that holds its writes during a failover. */
export function attachFence(redis: Redis, fence: FailoverFence): void {
  fences.set(redis, fence);
}

/** The fence of a connection made through Sentinel; undefined for a plain one. */
export function fenceOf(redis: Redis): FailoverFence | undefined {
  return fences.get(redis);
}

/**
 * Waits until writes may go to the connection's master: at once without Sentinel or
 * outside a failover; else until the switch, for at most `timeoutMs`.
 */
export async function writable(redis: Redis, timeoutMs: number): Promise<void> {
  await fences.get(redis)?.whenOpen(timeoutMs);
}
