import assert from 'node:assert/strict';
import { setMaxListeners } from 'node:events';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import {
  LOOPBACK_INSTANCES_ENV,
  scrapeMetrics,
  startRedisServer,
  startServiceProcess,
  waitFor,
  type RedisServerHandle,
  type ServiceProcess,
} from '@gateway/testkit';
import { bearer, REGISTRY_ENTRY, spec, TOKENS, TOKENS_ENV } from './support/registry-fixture.js';

const CONCURRENCY = 2;
const WATCHERS = 24;
const INSTANCES = 24;

/** Some 5 KiB of metadata: a 64 KiB message holds about a dozen such instances. */
function metadata(i: number): Record<string, string> {
  const entries: Record<string, string> = {};
  for (let j = 0; j < 16; j++) entries[`key-${j}`.padEnd(63, 'k')] = `${i}-${j}`.padEnd(256, 'v');
  return entries;
}

describe('registry: snapshot chunks built at once are bounded per replica', () => {
  let redis: RedisServerHandle;
  let registry: ServiceProcess;
  let channel: Channel;

  beforeAll(async () => {
    redis = await startRedisServer();
    registry = await startServiceProcess({
      name: 'registry',
      entry: REGISTRY_ENTRY,
      env: {
        REDIS_URL: redis.url,
        GATEWAY_TOKENS: TOKENS_ENV,
        REGISTRY_MAX_MESSAGE_BYTES: '65536',
        REGISTRY_WATCH_SNAPSHOT_CONCURRENCY: String(CONCURRENCY),
        ...LOOPBACK_INSTANCES_ENV,
      },
    });
    channel = createChannel(registry.address);
    const client = createClient(RegistryServiceDefinition, channel, { '*': bearer(TOKENS.admin) });
    for (let i = 0; i < INSTANCES; i++)
      await client.register({
        instance: spec({ group: 'crowd', host: `10.4.0.${i + 1}`, metadata: metadata(i) }),
      });
  });
  afterAll(async () => {
    channel?.close();
    await registry?.stop();
    await redis?.stop();
  });

  it('lets many watchers connecting at once wait their turn: never more builds than the bound, every snapshot whole', async () => {
    const client = createClient(RegistryServiceDefinition, channel, { '*': bearer(TOKENS.admin) });
    const controller = new AbortController();
    // One signal ends every watch of the test.
    setMaxListeners(WATCHERS + 1, controller.signal);
    const started = performance.now();
    const snapshot = async () => {
      let instances = 0;
      let chunks = 0;
      for await (const message of client.watchInstances(
        { group: 'crowd', chunkedSnapshots: true },
        { signal: controller.signal },
      )) {
        if (message.event?.$case !== 'snapshot') continue;
        instances += message.event.value.instances.length;
        chunks += 1;
        if (!message.event.value.more) return { instances, chunks };
      }
      throw new Error('the watch ended before its snapshot');
    };
    try {
      const snapshots = await Promise.all(Array.from({ length: WATCHERS }, snapshot));
      console.log(
        `[figure] ${WATCHERS} snapshots of ${snapshots[0].chunks} chunks at concurrency ${CONCURRENCY}: ${(performance.now() - started).toFixed(0)} ms`,
      );
      for (const { instances, chunks } of snapshots) {
        assert.equal(instances, INSTANCES, 'every watcher receives every instance');
        assert.ok(chunks >= 3, `several chunks (each one permit): ${chunks}`);
      }
      const scrape = await scrapeMetrics(registry.metricsAddress!);
      assert.equal(
        scrape.value('gateway_registry_watch_snapshots_in_flight_peak'),
        CONCURRENCY,
        'the builds in flight reached the bound and never passed it',
      );
      const waits = scrape.value('gateway_registry_watch_snapshot_wait_seconds_count') ?? 0;
      assert.ok(waits >= WATCHERS * 3, `a permit per chunk: ${waits}`);
      assert.ok(
        (scrape.value('gateway_registry_watch_snapshot_wait_seconds_sum') ?? 0) > 0,
        'builds waited for their turn',
      );
      assert.equal(scrape.value('gateway_registry_watch_snapshot_refusals_total') ?? 0, 0);
    } finally {
      controller.abort();
    }
    await waitFor(
      'every permit to be back once the watches ended',
      async () => {
        const scrape = await scrapeMetrics(registry.metricsAddress!);
        return (
          scrape.value('gateway_registry_watch_snapshots_in_flight') === 0 &&
          scrape.value('gateway_registry_watch_snapshots_waiting') === 0
        );
      },
      { timeoutMs: 10_000 },
    );
  });
});
