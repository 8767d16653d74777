import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createLogger, RedisKeys, tokenTableFromConfig } from '@gateway/shared';
import {
  freePort,
  LOOPBACK_INSTANCES_ENV,
  startRedisServer,
  waitFor,
  type RedisServerHandle,
} from '@gateway/testkit';
import { loadRegistryConfig, startRegistry, type RunningRegistry } from '@gateway/registry';
import { Registrar, type RegistrarEvent } from '../src/index.js';

const CORE_TOKEN = 'core-token-for-registrar-tests';

async function registryOn(redisUrl: string, listen: string): Promise<RunningRegistry> {
  const config = loadRegistryConfig({
    REDIS_URL: redisUrl,
    GRPC_LISTEN: listen,
    METRICS_LISTEN: 'off',
    GATEWAY_TOKENS: `core:${CORE_TOKEN}`,
    REGISTRY_EVICTION_INTERVAL: '100ms',
    ...LOOPBACK_INSTANCES_ENV,
  });
  return await startRegistry(
    config,
    createLogger('registry', 'silent'),
    tokenTableFromConfig(config),
  );
}

describe('sdk registrar against a real registry and redis-server', () => {
  let redis: RedisServerHandle;
  let registry: RunningRegistry;
  let address: string;
  beforeAll(async () => {
    redis = await startRedisServer();
    address = `127.0.0.1:${await freePort()}`;
    registry = await registryOn(redis.url, address);
  });
  afterAll(async () => {
    await registry?.stop();
    await redis?.stop();
  });

  it('registers, renews its lease by heartbeats, re-registers after Redis lost its data, deregisters on stop', async () => {
    const events: RegistrarEvent[] = [];
    const registrar = Registrar({
      registries: [address],
      token: CORE_TOKEN,
      instance: {
        group: 'default',
        host: '127.0.0.1',
        port: 18080,
        weight: 2,
        metadata: { version: '1.2.3' },
      },
      leaseSeconds: 2,
      heartbeatIntervalMs: 200,
      onEvent: (event) => events.push(event),
    });
    registrar.start();
    const id = await registrar.registered(AbortSignal.timeout(10_000));
    assert.equal(id, 'default/127.0.0.1/18080');
    const stored = JSON.parse((await redis.client.hget(RedisKeys.instances, id))!) as {
      spec: { weight: number };
      leaseMs: number;
    };
    assert.equal(stored.spec.weight, 2);
    assert.equal(stored.leaseMs, 2000);

    const firstExpiry = Number(await redis.client.zscore(RedisKeys.instanceLeases, id));
    await waitFor(
      'a heartbeat to push the lease further',
      async () =>
        Number(await redis.client.zscore(RedisKeys.instanceLeases, id)) > firstExpiry + 300,
      { timeoutMs: 5_000 },
    );

    await redis.client.flushall();
    await waitFor(
      'the registrar to register again after NOT_FOUND',
      // The entry is written before the answer reaches the registrar: wait for both.
      async () =>
        (await redis.client.hexists(RedisKeys.instances, id)) === 1 &&
        events.filter((event) => event.type === 'registered').length === 2,
      { timeoutMs: 5_000 },
    );
    assert.ok(
      events.some((event) => event.type === 'lost'),
      'the loss was reported',
    );
    assert.equal(events.filter((event) => event.type === 'registered').length, 2);

    await registrar.stop();
    assert.equal(registrar.state, 'stopped');
    assert.equal(await redis.client.hexists(RedisKeys.instances, id), 0, 'deregistered at once');
    assert.ok(events.some((event) => event.type === 'deregistered'));
  });

  it('fails over to the next registry, and waits (without throwing) while none answers', async () => {
    const deadAddress = `127.0.0.1:${await freePort()}`;
    const laterAddress = `127.0.0.1:${await freePort()}`;
    const events: RegistrarEvent[] = [];
    let unhandled: unknown;
    const onUnhandled = (reason: unknown) => (unhandled = reason);
    process.on('unhandledRejection', onUnhandled);
    const registrar = Registrar({
      registries: [deadAddress, laterAddress],
      token: CORE_TOKEN,
      instance: { group: 'failover', host: '127.0.0.1', port: 18081 },
      leaseSeconds: 5,
      callTimeoutMs: 500,
      retryMaxMs: 300,
      onEvent: (event) => events.push(event),
    });
    registrar.start();
    await waitFor(
      'a few failed attempts on both addresses',
      () => events.filter((event) => event.type === 'call-failed').length >= 4,
      { timeoutMs: 10_000 },
    );
    assert.equal(registrar.state, 'registering');
    const failedOn = new Set(
      events.flatMap((event) => (event.type === 'call-failed' ? [event.registry] : [])),
    );
    assert.deepEqual(failedOn, new Set([deadAddress, laterAddress]), 'tried both replicas');

    const second = await registryOn(redis.url, laterAddress);
    try {
      const id = await registrar.registered(AbortSignal.timeout(10_000));
      assert.equal(await redis.client.hexists(RedisKeys.instances, id), 1);
      const registered = events.find((event) => event.type === 'registered');
      assert.equal(registered?.type === 'registered' && registered.registry, laterAddress);
      await registrar.stop();
      assert.equal(await redis.client.hexists(RedisKeys.instances, id), 0);
      assert.equal(unhandled, undefined, 'nothing thrown into the event loop');
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await second.stop();
    }
  });
});
