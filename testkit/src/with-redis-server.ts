import { startRedisServer, type RedisServerHandle } from './redis-server.js';

/**
 * A fresh redis-server and what `start` builds on it (a service fixture); `close()`
 * closes the fixture, then stops redis-server. Redis is stopped when `start` fails.
 */
export async function withRedisServer<Fixture extends { close(): Promise<void> }>(
  start: (redisUrl: string) => Promise<Fixture>,
): Promise<{ redis: RedisServerHandle; fixture: Fixture; close: () => Promise<void> }> {
  const redis = await startRedisServer();
  let fixture: Fixture;
  try {
    fixture = await start(redis.url);
  } catch (error) {
    await redis.stop();
    throw error;
  }
  return {
    redis,
    fixture,
    async close() {
      await fixture.close();
      await redis.stop();
    },
  };
}
