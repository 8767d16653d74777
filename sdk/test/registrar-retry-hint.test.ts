import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createLogger, tokenTableFromConfig } from '@gateway/shared';
import {
  freePort,
  LOOPBACK_INSTANCES_ENV,
  startRedisServer,
  waitFor,
  type RedisServerHandle,
} from '@gateway/testkit';
import { loadRegistryConfig, startRegistry, type RunningRegistry } from '@gateway/registry';
import { Registrar, type RegistrarEvent } from '../src/index.js';

const CORE_TOKEN = 'core-token-for-retry-hint-tests';

/** A registry whose `core` token may Register `rate` times a second, one at a time. */
async function tightRegistry(redisUrl: string, rate: string): Promise<RunningRegistry> {
  const config = loadRegistryConfig({
    REDIS_URL: redisUrl,
    GRPC_LISTEN: `127.0.0.1:${await freePort()}`,
    METRICS_LISTEN: 'off',
    GATEWAY_TOKENS: `core:${CORE_TOKEN}`,
    GATEWAY_TOKEN_RATE: rate,
    GATEWAY_TOKEN_BURST: '1',
    ...LOOPBACK_INSTANCES_ENV,
  });
  return await startRegistry(
    config,
    createLogger('registry', 'silent'),
    tokenTableFromConfig(config),
  );
}

type Seen = { at: number; event: RegistrarEvent };

/**
 * A registrar that has registered (spending the token's only burst), then lost its entry
 * (Redis flushed): its heartbeat gets NOT_FOUND and its Register comes back over the rate.
 */
async function refusedRegistrar(redis: RedisServerHandle, registry: RunningRegistry) {
  const seen: Seen[] = [];
  const registrar = Registrar({
    registries: [`127.0.0.1:${registry.port}`],
    token: CORE_TOKEN,
    instance: { group: 'default', host: '127.0.0.1', port: 18090 },
    leaseSeconds: 5,
    heartbeatIntervalMs: 100,
    // Its own backoff alone would try again within 100 ms.
    retryMinMs: 50,
    retryMaxMs: 100,
    onEvent: (event) => seen.push({ at: performance.now(), event }),
  });
  registrar.start();
  await registrar.registered(AbortSignal.timeout(10_000));
  await redis.client.flushall();
  await waitFor(
    'a Register refused with a retry hint',
    () => seen.some(({ event }) => event.type === 'call-failed' && event.retryAfterMs),
    { timeoutMs: 10_000 },
  );
  const refusal = seen.find(({ event }) => event.type === 'call-failed' && event.retryAfterMs)!;
  const hintMs = refusal.event.type === 'call-failed' ? refusal.event.retryAfterMs! : 0;
  return { registrar, seen, refusal, hintMs };
}

describe('sdk registrar honours the registry retry-after-ms hint (real registry, tight token rate)', () => {
  let redis: RedisServerHandle;
  const registries: RunningRegistry[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const registry of registries) await registry.stop();
    await redis?.stop();
  });

  it('after RESOURCE_EXHAUSTED the next Register comes no earlier than the hinted wait, and is taken', async () => {
    const registry = await tightRegistry(redis.url, '0.4');
    registries.push(registry);
    const { registrar, seen, refusal, hintMs } = await refusedRegistrar(redis, registry);
    try {
      assert.ok(hintMs > 1_000, `a hint of about 2.5 s, got ${hintMs} ms`);
      await waitFor(
        'the registrar to register again',
        () => seen.some(({ at, event }) => event.type === 'registered' && at > refusal.at),
        { timeoutMs: 15_000 },
      );
      const again = seen.find(({ at, event }) => event.type === 'registered' && at > refusal.at)!;
      const refusals = seen.filter(
        ({ event }) => event.type === 'call-failed' && event.call === 'register',
      );
      // An earlier attempt would have found the bucket still empty and been refused again.
      assert.equal(refusals.length, 1, 'one refusal: no Register before the hint had passed');
      assert.ok(
        again.at - refusal.at >= hintMs,
        `registered ${(again.at - refusal.at).toFixed(0)} ms after a hint of ${hintMs} ms`,
      );
      console.log(
        `[figure] registrar: hinted ${hintMs} ms, registered again ${(again.at - refusal.at).toFixed(0)} ms after the refusal (own backoff <= 100 ms), refusals 1`,
      );
    } finally {
      await registrar.stop();
    }
  });

  it('stop() ends a hinted wait at once', async () => {
    const registry = await tightRegistry(redis.url, '0.1');
    registries.push(registry);
    const { registrar, hintMs } = await refusedRegistrar(redis, registry);
    assert.ok(hintMs > 5_000, `a hint of about 10 s, got ${hintMs} ms`);
    const started = performance.now();
    await registrar.stop();
    const stopMs = performance.now() - started;
    assert.equal(registrar.state, 'stopped');
    assert.ok(stopMs < 1_000, `stop() took ${stopMs.toFixed(0)} ms during a ${hintMs} ms hint`);
    console.log(
      `[figure] registrar: stop() during a ${hintMs} ms hint took ${stopMs.toFixed(0)} ms`,
    );
  });
});
