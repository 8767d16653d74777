import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient, Status, type Channel } from 'nice-grpc';
import {
  ListInstancesResponse,
  RegistryServiceDefinition,
  WatchInstancesResponse,
} from '@gateway/proto/registry';
import {
  canonicalSpecJson,
  checkInstanceSpec,
  epochSeed,
  instanceId,
  RedisChannels,
  registerInstanceKeys,
  registerInstanceScript,
  specFingerprint,
  type InstanceSpecData,
} from '@gateway/shared';
import {
  startRedisServer,
  startServiceProcess,
  type RedisServerHandle,
  type ServiceProcess,
  LOOPBACK_INSTANCES_ENV,
} from '@gateway/testkit';
import { bearer, REGISTRY_ENTRY, TOKENS, TOKENS_ENV } from './support/registry-fixture.js';

const INSTANCES = 50_000;
const GROUPS = 5;
const BOUND = 1_048_576;
const LOAD_BATCH = 500;

/** 16 metadata entries, keys of the largest length (63) and values of the largest (256). */
function metadataFor(i: number): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (let j = 0; j < 16; j++) {
    metadata[`k${String(j).padStart(2, '0')}-`.padEnd(63, 'x')] = `${i}:${j}:`.padEnd(256, 'v');
  }
  return metadata;
}

function specFor(i: number): InstanceSpecData {
  return {
    group: `g${i % GROUPS}`,
    host: `10.${Math.floor(i / 65_536) % 256}.${Math.floor(i / 256) % 256}.${i % 256}`,
    port: 8080,
    weight: 1,
    backup: false,
    adminState: 'enabled',
    metadata: metadataFor(i),
  };
}

/** Writes the instances through the registry's own register script, pipelined. */
async function loadInstances(redis: RedisServerHandle): Promise<void> {
  const first = checkInstanceSpec(specFor(0), 'instance');
  assert.equal(
    canonicalSpecJson(first),
    canonicalSpecJson(specFor(0)),
    'generated specs are valid',
  );
  const json = canonicalSpecJson(first);
  await registerInstanceScript.run(redis.client, registerInstanceKeys(first.group, 'loader'), [
    instanceId(first),
    json,
    specFingerprint(json),
    3_600_000,
    RedisChannels.instanceChanges,
    epochSeed(),
    'loader',
    1,
    0,
  ]);
  for (let start = 1; start < INSTANCES; start += LOAD_BATCH) {
    const pipeline = redis.client.pipeline();
    for (let i = start; i < Math.min(start + LOAD_BATCH, INSTANCES); i++) {
      const spec = specFor(i);
      const specJson = canonicalSpecJson(spec);
      const keys = registerInstanceKeys(spec.group, 'loader');
      pipeline.evalsha(
        registerInstanceScript.sha1,
        keys.length,
        ...keys,
        instanceId(spec),
        specJson,
        specFingerprint(specJson),
        3_600_000,
        RedisChannels.instanceChanges,
        epochSeed(),
        'loader',
        1,
        0,
      );
    }
    const replies = await pipeline.exec();
    for (const [error] of replies ?? []) if (error) throw error;
  }
}

async function hashReads(redis: RedisServerHandle): Promise<{ hget: number; hgetall: number }> {
  const stats = await redis.client.info('commandstats');
  const calls = (command: string) =>
    Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  return { hget: calls('hget'), hgetall: calls('hgetall') };
}

/** The registry's definition, with every response's size on the wire recorded as the client decodes it. */
function measuredDefinition(sizes: number[]): typeof RegistryServiceDefinition {
  const { methods } = RegistryServiceDefinition;
  return {
    ...RegistryServiceDefinition,
    methods: {
      ...methods,
      listInstances: {
        ...methods.listInstances,
        responseType: {
          ...ListInstancesResponse,
          decode: (input: Uint8Array) => {
            sizes.push(input.length);
            return ListInstancesResponse.decode(input);
          },
        },
      },
      watchInstances: {
        ...methods.watchInstances,
        responseType: {
          ...WatchInstancesResponse,
          decode: (input: Uint8Array) => {
            sizes.push(input.length);
            return WatchInstancesResponse.decode(input);
          },
        },
      },
    },
  };
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
}

describe('registry at 50,000 instances with full metadata: every message bounded, every page O(page)', () => {
  let redis: RedisServerHandle;
  let registry: ServiceProcess;
  let channel: Channel;
  let client: ReturnType<typeof createClient<typeof RegistryServiceDefinition>>;
  /** Every response's size as received, in bytes. */
  const sizes: number[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    const loadStarted = performance.now();
    await loadInstances(redis);
    const memory = await redis.client.info('memory');
    console.log(
      `[figure] loaded ${INSTANCES} instances × 16 metadata entries in ${Math.round(performance.now() - loadStarted)} ms; redis ${/used_memory_human:(\S+)/.exec(memory)?.[1]}`,
    );
    registry = await startServiceProcess({
      name: 'registry-50k',
      entry: REGISTRY_ENTRY,
      env: {
        REDIS_URL: redis.url,
        GATEWAY_TOKENS: TOKENS_ENV,
        LOG_LEVEL: 'warn',
        ...LOOPBACK_INSTANCES_ENV,
      },
      timeoutMs: 60_000,
    });
    // A client with gRPC's defaults: a 4 MiB receive limit.
    channel = createChannel(registry.address);
    client = createClient(measuredDefinition(sizes), channel, { '*': bearer(TOKENS.admin) });
  }, 180_000);

  afterAll(async () => {
    channel?.close();
    await registry?.stop();
    await redis?.stop();
  });

  it('streams the whole watch snapshot to a default client in chunks under the bound, and refuses a one-message snapshot to a client that did not ask for chunks', async () => {
    const controller = new AbortController();
    const started = performance.now();
    sizes.length = 0;
    let count = 0;
    let previous = '';
    let revision: number | undefined;
    for await (const message of client.watchInstances(
      { group: '', chunkedSnapshots: true },
      { signal: controller.signal },
    )) {
      assert.equal(message.event?.$case, 'snapshot', 'nothing but chunks before the last one');
      revision ??= message.revision;
      assert.equal(message.revision, revision, 'every chunk of one snapshot has its revision');
      for (const instance of message.event.value.instances) {
        assert.ok(instance.id > previous, 'in id order, none twice');
        previous = instance.id;
        count += 1;
      }
      if (!message.event.value.more) break;
    }
    controller.abort();
    const elapsed = performance.now() - started;
    assert.equal(count, INSTANCES);
    assert.ok(sizes.length > 1, 'sent as several messages');
    assert.ok(Math.max(...sizes) <= BOUND, `largest message ${Math.max(...sizes)} bytes`);
    console.log(
      `[figure] watch snapshot: ${INSTANCES} instances in ${sizes.length} messages, ${Math.round(elapsed)} ms; ` +
        `largest ${Math.max(...sizes)} B, total ${(sizes.reduce((a, b) => a + b, 0) / 1_048_576).toFixed(1)} MiB; registry RSS ${rssMb(registry.process.pid)} MB`,
    );

    await assert.rejects(
      async () => {
        for await (const message of client.watchInstances({ group: '' })) void message;
      },
      (error: { code?: Status; details?: string }) =>
        error.code === Status.FAILED_PRECONDITION && /chunked_snapshots/.test(error.details ?? ''),
    );
  });

  it('lists every instance over pages each under the bound, reading from Redis only what the pages return', async () => {
    const before = await hashReads(redis);
    const started = performance.now();
    let pageToken = '';
    let pages = 0;
    let count = 0;
    let previous = '';
    let slowest = 0;
    sizes.length = 0;
    do {
      const pageStarted = performance.now();
      const page = await client.listInstances({ group: '', pageSize: 1000, pageToken });
      slowest = Math.max(slowest, performance.now() - pageStarted);
      for (const instance of page.instances) {
        assert.ok(instance.id > previous, 'in id order, none twice');
        previous = instance.id;
      }
      count += page.instances.length;
      pages += 1;
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    const elapsed = performance.now() - started;
    const after = await hashReads(redis);
    const largest = Math.max(...sizes);
    assert.equal(sizes.length, pages, 'each page measured');
    assert.equal(count, INSTANCES);
    assert.ok(largest <= BOUND, `largest page ${largest} bytes`);
    assert.equal(after.hgetall - before.hgetall, 0, 'no page reads the whole hash');
    const reads = after.hget - before.hget;
    assert.ok(reads <= 1.5 * INSTANCES, `${reads} hash reads for ${INSTANCES} instances listed`);

    let groupCount = 0;
    let groupPages = 0;
    const groupStarted = performance.now();
    pageToken = '';
    do {
      const page = await client.listInstances({ group: 'g3', pageSize: 1000, pageToken });
      assert.ok(page.instances.every((instance) => instance.spec?.group === 'g3'));
      groupCount += page.instances.length;
      groupPages += 1;
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    assert.equal(groupCount, INSTANCES / GROUPS);
    console.log(
      `[figure] ListInstances of ${INSTANCES}: ${pages} pages in ${Math.round(elapsed)} ms, slowest page ${Math.round(slowest)} ms, ` +
        `largest page ${largest} B, ${reads} hash reads; group g3 (${groupCount}) in ${groupPages} pages, ${Math.round(performance.now() - groupStarted)} ms; ` +
        `registry RSS ${rssMb(registry.process.pid)} MB`,
    );
  });
});
