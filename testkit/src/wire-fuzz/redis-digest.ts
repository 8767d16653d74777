import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A digest of every key's name and value (DUMP) but those `ignore` names (e.g. leases a
 * background loop renews): equal digests, nothing written. SCAN, never KEYS.
 */
export async function redisDigest(
  redis: Redis,
  ignore: (key: string) => boolean = () => false,
): Promise<{ keys: number; digest: string }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const kept = [...new Set(keys)].filter((key) => !ignore(key)).sort();
  const hash = createHash('sha256');
  for (const key of kept) {
    const value = await redis.dumpBuffer(key);
    hash
      .update(key)
      .update('\u0000')
      .update(value ?? Buffer.alloc(0))
      .update('\u0000');
  }
  return { keys: kept.length, digest: hash.digest('hex') };
}
