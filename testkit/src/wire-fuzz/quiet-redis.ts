import type { Redis } from 'ioredis';
import { waitFor } from '../wait-for.js';
import { redisDigest } from './redis-digest.js';

/**
 * Waits (bounded) until the digest of Redis stays the same for `quietMs`: a service that has
 * just started writes its initial state (a lease, an alert) on its own. Returns that digest.
 */
export async function waitForQuietRedis(
  redis: Redis,
  ignore: (key: string) => boolean,
  options: { quietMs: number; timeoutMs: number },
): Promise<{ keys: number; digest: string }> {
  let last = await redisDigest(redis, ignore);
  let since = Date.now();
  await waitFor(
    `Redis to stay unchanged for ${options.quietMs} ms`,
    async () => {
      const now = await redisDigest(redis, ignore);
      if (now.digest !== last.digest) {
        last = now;
        since = Date.now();
      }
      return Date.now() - since >= options.quietMs;
    },
    { timeoutMs: options.timeoutMs, intervalMs: 250 },
  );
  return last;
}
