import { startRedisServer } from '@gateway/testkit';
import type { StackParts } from '../lifecycle/stack-part.js';

/** The stack's own redis-server on a free port (no persistence; its data dir goes when it stops). */
export async function startRedis(parts: StackParts): Promise<string> {
  const redis = await startRedisServer();
  let stopping = false;
  parts.redis.push({
    name: 'redis-server',
    died: redis.process.exited.then(() =>
      stopping ? new Promise<never>(() => undefined) : 'redis-server exited unexpectedly',
    ),
    async stop() {
      stopping = true;
      await redis.stop();
      return undefined;
    },
  });
  return redis.url;
}
