import type { Redis } from 'ioredis';

/** Every key with its type and value (SCAN, tests only): to prove a call wrote nothing. */
export async function keyspaceSnapshot(redis: Redis): Promise<Record<string, unknown>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const snapshot: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    const type = await redis.type(key);
    if (type === 'string') snapshot[key] = await redis.get(key);
    else if (type === 'hash') snapshot[key] = await redis.hgetall(key);
    else snapshot[key] = type;
  }
  return snapshot;
}
