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
/** More than one page (SCAN_BATCH, 250): each snapshot takes a permit per page. */
const INSTANCES = 300;
const PAGES = 2;

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
        REGISTRY_WATCH_SNAPSHOT_CONCURRENCY: String(CONCURRENCY),
        ...LOOPBACK_INSTANCES_ENV,
      },
    });
    channel = createChannel(registry.address);
    const client = createClient(RegistryServiceDefinition, channel, { '*': bearer(TOKENS.admin) });
    for (let i = 0; i < INSTANCES; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          client.register({
            instance: spec({ group: 'crowd', host: `10.4.${(i + j) >> 8}.${(i + j) & 255}` }),
          }),
        ),
      );
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
        `[figure] ${WATCHERS} snapshots of ${PAGES} pages at concurrency ${CONCURRENCY}: ${(performance.now() - started).toFixed(0)} ms`,
      );
      for (const { instances, chunks } of snapshots) {
        assert.equal(instances, INSTANCES, 'every watcher receives every instance');
        assert.ok(chunks > PAGES, `a chunk per page, then the empty last one: ${chunks}`);
      }
      const scrape = await scrapeMetrics(registry.metricsAddress!);
      assert.equal(
        scrape.value('gateway_registry_watch_snapshots_in_flight_peak'),
        CONCURRENCY,
        'the builds in flight reached the bound and never passed it',
      );
      const waits = scrape.value('gateway_registry_watch_snapshot_wait_seconds_count') ?? 0;
      assert.ok(waits >= WATCHERS * PAGES, `a permit per page: ${waits}`);
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
