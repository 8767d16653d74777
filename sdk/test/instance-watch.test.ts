import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient, Metadata, type Channel } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { createLogger, tokenTableFromConfig } from '@gateway/shared';
import {
  freePort,
  LOOPBACK_INSTANCES_ENV,
  startRedisServer,
  type RedisServerHandle,
} from '@gateway/testkit';
import { loadRegistryConfig, startRegistry, type RunningRegistry } from '@gateway/registry';
import { assembleInstanceWatch, type InstanceWatchEvent } from '../src/index.js';

const ADMIN_TOKEN = 'admin-token-for-watch-tests';
const INSTANCES = 40;

function metadata(i: number): Record<string, string> {
  const entries: Record<string, string> = {};
  for (let j = 0; j < 16; j++) entries[`key-${j}`.padEnd(63, 'k')] = `${i}-${j}`.padEnd(256, 'v');
  return entries;
}

describe('sdk assembleInstanceWatch against a registry that chunks its snapshots', () => {
  let redis: RedisServerHandle;
  let registry: RunningRegistry;
  let channel: Channel;
  beforeAll(async () => {
    redis = await startRedisServer();
    const address = `127.0.0.1:${await freePort()}`;
    const config = loadRegistryConfig({
      REDIS_URL: redis.url,
      GRPC_LISTEN: address,
      METRICS_LISTEN: 'off',
      GATEWAY_TOKENS: `admin:${ADMIN_TOKEN}`,
      ...LOOPBACK_INSTANCES_ENV,
      // 64 KiB: about a dozen instances with full metadata per message.
      REGISTRY_MAX_MESSAGE_BYTES: '65536',
    });
    registry = await startRegistry(
      config,
      createLogger('registry', 'silent'),
      tokenTableFromConfig(config),
    );
    channel = createChannel(address);
  });
  afterAll(async () => {
    channel?.close();
    await registry?.stop();
    await redis?.stop();
  });

  it('yields one whole snapshot put together from several messages, then the changes after it', async () => {
    const client = createClient(RegistryServiceDefinition, channel, {
      '*': { metadata: Metadata({ authorization: `Bearer ${ADMIN_TOKEN}` }) },
    });
    for (let i = 0; i < INSTANCES; i++) {
      await client.register({
        instance: { group: 'default', host: `10.1.0.${i + 1}`, port: 80, metadata: metadata(i) },
      });
    }
    const controller = new AbortController();
    const events: InstanceWatchEvent[] = [];
    const stream = client.watchInstances(
      { group: '', chunkedSnapshots: true },
      { signal: controller.signal },
    );
    const reading = (async () => {
      try {
        for await (const event of assembleInstanceWatch(stream)) {
          events.push(event);
          if (event.type === 'change') break;
        }
      } finally {
        controller.abort();
      }
    })();
    const deadline = Date.now() + 30_000;
    while (events.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await client.register({ instance: { group: 'default', host: '10.1.1.1', port: 80 } });
    await reading.catch(() => undefined);

    const [snapshot, change] = events;
    assert.equal(snapshot?.type, 'snapshot');
    assert.equal(snapshot.instances.length, INSTANCES);
    assert.ok(snapshot.chunks >= 3, `${snapshot.chunks} messages`);
    assert.equal(snapshot.revision, INSTANCES);
    assert.equal(change?.type, 'change');
    assert.equal(change.revision, INSTANCES + 1);
    assert.equal(change.change.instanceId, 'default/10.1.1.1/80');
  });
});
