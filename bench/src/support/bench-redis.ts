import { startRedisServer, type RedisServerHandle } from '@gateway/testkit';
import type { Teardown } from '../framework/teardown.js';

/** A fresh redis-server for one benchmark, stopped by `teardown`. */
export async function benchRedis(teardown: Teardown): Promise<RedisServerHandle> {
  return teardown.add(await startRedisServer(), (redis) => redis.stop());
}
