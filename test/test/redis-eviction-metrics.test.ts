import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  LOOPBACK_INSTANCES_ENV,
  scrapeMetrics,
  serviceEntry,
  startRedisServer,
  startServiceProcess,
  TEST_TOKENS_ENV,
  waitFor,
  type RedisServerHandle,
  type ServiceProcess,
} from '@gateway/testkit';

const GAUGE = 'gateway_redis_eviction_policy_unsafe';

describe('the Redis eviction policy in the metrics', () => {
  let redis: RedisServerHandle;
  let registry: ServiceProcess;
  beforeAll(async () => {
    redis = await startRedisServer({ config: ['maxmemory-policy allkeys-lru'] });
    registry = await startServiceProcess({
      name: 'registry-eviction-metrics',
      entry: serviceEntry('registry'),
      env: { REDIS_URL: redis.url, GATEWAY_TOKENS: TEST_TOKENS_ENV, ...LOOPBACK_INSTANCES_ENV },
    });
  });
  afterAll(async () => {
    await registry?.stop();
    await redis?.stop();
  });

  const gauge = async () => (await scrapeMetrics(registry.metricsAddress!)).value(GAUGE);

  it('shows 1 while maxmemory-policy is not noeviction, and 0 once it is (seen at the next reconnect)', async () => {
    await waitFor('the gauge to show the unsafe policy', async () => (await gauge()) === 1, {
      timeoutMs: 10_000,
    });
    assert.match(registry.process.output(), /maxmemory-policy is allkeys-lru: Redis may evict/);

    await redis.client.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    // A reconnect (as after a restart or a Sentinel failover) reads the policy again at once.
    await redis.client.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    const fixedAt = Date.now();
    await waitFor('the gauge to show the safe policy', async () => (await gauge()) === 0, {
      timeoutMs: 15_000,
    });
    assert.match(registry.process.output(), /eviction policy is safe again/);
    console.log(
      `[figure] ${GAUGE}: 1 under allkeys-lru, 0 ${Date.now() - fixedAt} ms after noeviction and a reconnect`,
    );
  });
});
