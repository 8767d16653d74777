import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { RedisKeys } from '@gateway/shared';
import {
  startRedisSentinel,
  startRedisServer,
  type RedisSentinelHandle,
  type RedisServerHandle,
  TEST_SECRETS,
} from '@gateway/testkit';
import { spec, startRegistryFixture, type RegistryFixture } from './support/registry-fixture.js';

const PASSWORD = TEST_SECRETS.redisPassword;

describe('registry: Redis with a password, through Redis Sentinel', () => {
  let redis: RedisServerHandle;
  let sentinel: RedisSentinelHandle;
  let fixture: RegistryFixture;
  beforeAll(async () => {
    redis = await startRedisServer({ password: PASSWORD });
    sentinel = await startRedisSentinel({ masterPort: redis.port, masterPassword: PASSWORD });
    fixture = await startRegistryFixture(`redis://:${PASSWORD}@sentinel-resolves-this:6379`, {
      REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`,
      REDIS_SENTINEL_MASTER: sentinel.masterName,
    });
  });
  afterAll(async () => {
    await fixture?.close();
    await sentinel?.stop();
    await redis?.stop();
  });

  it('registers through the master that Sentinel names', async () => {
    const response = await fixture.client.register({
      instance: spec({ host: '10.7.0.1', port: 1 }),
    });
    assert.equal(response.revision, 1);
    assert.equal(await redis.client.hexists(RedisKeys.instances, 'default/10.7.0.1/1'), 1);
  });
});
