import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  probeEndpoint,
  scrapeMetrics,
  startRedisServer,
  LOOPBACK_INSTANCES_ENV,
  startServiceProcess,
  waitFor,
  type RedisServerHandle,
  type ServiceProcess,
} from '@gateway/testkit';
import { bearer, REGISTRY_ENTRY, spec, TOKENS, TOKENS_ENV } from './support/registry-fixture.js';

const SERIES = [
  'gateway_grpc_server_handled_total',
  'gateway_grpc_server_handling_seconds_bucket',
  'gateway_registry_instances',
  'gateway_registry_instances_registered',
  'gateway_registry_leases_lapsed',
  'gateway_registry_leases_expiring',
  'gateway_registry_self_preservation',
  'gateway_registry_evictions_total',
  'gateway_registry_self_preservation_rounds_total',
  'gateway_redis_errors_total',
  'gateway_redis_connection_up',
  'process_cpu_seconds_total',
];

describe('registry metrics, /healthz and /readyz', () => {
  let redis: RedisServerHandle;
  let registry: ServiceProcess;
  let channel: Channel;
  let metrics: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    registry = await startServiceProcess({
      name: 'registry',
      entry: REGISTRY_ENTRY,
      env: {
        REDIS_URL: redis.url,
        GATEWAY_TOKENS: TOKENS_ENV,
        REGISTRY_LEASE_MIN: '1s',
        REGISTRY_EVICTION_INTERVAL: '200ms',
        ...LOOPBACK_INSTANCES_ENV,
      },
    });
    metrics = registry.metricsAddress!;
    channel = createChannel(registry.address);
  });
  afterAll(async () => {
    channel?.close();
    await registry?.stop();
    await redis?.stop();
  });

  it('exports the registry’s series, labelled with the service', async () => {
    const client = createClient(RegistryServiceDefinition, channel, { '*': bearer(TOKENS.core) });
    await client.register({ instance: spec({ group: 'metrics-first', port: 9000 }) });
    const scrape = await scrapeMetrics(metrics);
    for (const name of SERIES) assert.ok(scrape.names().has(name), `${name} is exported`);
    assert.equal(
      scrape.samples.find((s) => s.name === 'process_cpu_seconds_total')?.labels['service'],
      'registry',
    );
    assert.equal(scrape.value('gateway_redis_connection_up', { connection: 'registry' }), 1);
  });

  it('counts a Register by method and code, and the instance in its group', async () => {
    const client = createClient(RegistryServiceDefinition, channel, { '*': bearer(TOKENS.core) });
    const before = await scrapeMetrics(metrics);
    const registered = (labels: Record<string, string>, scrape = before) =>
      scrape.value('gateway_grpc_server_handled_total', {
        grpc_service: 'gateway.registry.v1.RegistryService',
        grpc_method: 'Register',
        ...labels,
      }) ?? 0;
    await client.register({ instance: spec({ group: 'metrics-a', port: 9001 }) });
    await client.register({ instance: spec({ group: 'metrics-a', port: 9002 }) });
    await client.register({ instance: spec({ group: 'metrics-b', port: 9003 }) });
    await assert.rejects(client.register({ instance: spec({ group: 'Bad Group!' }) }));
    const after = await scrapeMetrics(metrics);
    console.log(
      `[figure] registry scrape: ${after.samples.length} samples, Register OK ${registered({ grpc_code: 'OK' }, after)}`,
    );
    assert.equal(registered({ grpc_code: 'OK' }, after) - registered({ grpc_code: 'OK' }), 3);
    assert.equal(
      registered({ grpc_code: 'INVALID_ARGUMENT' }, after) -
        registered({ grpc_code: 'INVALID_ARGUMENT' }),
      1,
    );
    assert.ok(
      (after.value('gateway_grpc_server_handling_seconds_count', { grpc_method: 'Register' }) ??
        0) >= 4,
    );
    // The per-group gauges are read from Redis at scrape time, and one read serves the scrapes
    // of the next 100 ms (or is left out when it timed out on a loaded machine): wait, bounded,
    // for a scrape whose read began after these Registers.
    const gauges = await waitFor(
      'a scrape with the Redis-backed instance gauges after the Registers',
      async () => {
        const scrape = await scrapeMetrics(metrics);
        return scrape.value('gateway_registry_instances', { group: 'metrics-a' }) === undefined
          ? undefined
          : scrape;
      },
      { timeoutMs: 20_000, intervalMs: 150 },
    );
    assert.equal(gauges.value('gateway_registry_instances', { group: 'metrics-a' }), 2);
    assert.equal(gauges.value('gateway_registry_instances', { group: 'metrics-b' }), 1);
    assert.equal(gauges.value('gateway_registry_instances_registered'), 4);
  });

  it('counts an eviction when a lease lapses', async () => {
    const client = createClient(RegistryServiceDefinition, channel, { '*': bearer(TOKENS.core) });
    const before = (await scrapeMetrics(metrics)).value('gateway_registry_evictions_total') ?? 0;
    await client.register({
      instance: spec({ group: 'metrics-lapse', port: 9100 }),
      leaseDuration: { seconds: 1, nanos: 0 },
    });
    await waitFor(
      'the eviction to be counted',
      async () =>
        ((await scrapeMetrics(metrics)).value('gateway_registry_evictions_total') ?? 0) > before,
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    const after = await scrapeMetrics(metrics);
    assert.equal(after.value('gateway_registry_instances', { group: 'metrics-lapse' }), undefined);
  });

  it('answers /healthz and /readyz, and nothing else', async () => {
    assert.equal(await probeEndpoint(metrics, '/healthz'), 200);
    assert.equal(await probeEndpoint(metrics, '/readyz'), 200);
    assert.equal(await probeEndpoint(metrics, '/'), 404);
    assert.equal(await probeEndpoint(metrics, '/metrics/../debug'), 404);
    const post = await fetch(`http://${metrics}/metrics`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
  });

  it('is not ready while Redis is down, alive all the same, and counts the Redis errors', async () => {
    const errorsBefore = (await scrapeMetrics(metrics)).value('gateway_redis_errors_total') ?? 0;
    const port = redis.port;
    await redis.stop();
    await waitFor(
      '/readyz to answer 503',
      async () => (await probeEndpoint(metrics, '/readyz')) === 503,
      {
        timeoutMs: 10_000,
        intervalMs: 100,
      },
    );
    assert.equal(await probeEndpoint(metrics, '/healthz'), 200);
    const down = await scrapeMetrics(metrics);
    assert.equal(down.value('gateway_redis_connection_up', { connection: 'registry' }), 0);
    assert.ok(
      (down.value('gateway_redis_errors_total') ?? 0) > errorsBefore,
      'redis errors counted',
    );
    redis = await startRedisServer({ port });
    const started = Date.now();
    await waitFor(
      '/readyz to answer 200 again',
      async () => (await probeEndpoint(metrics, '/readyz')) === 200,
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    console.log(`[figure] registry ready again ${Date.now() - started} ms after Redis came back`);
  });
});
