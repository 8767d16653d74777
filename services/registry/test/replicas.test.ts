import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Redis } from 'ioredis';
import { createChannel, createClient } from 'nice-grpc';
import { RegistryServiceDefinition, type WatchInstancesResponse } from '@gateway/proto/registry';
import { RedisChannels, RedisKeys } from '@gateway/shared';
import {
  startRedisServer,
  startServiceProcess,
  waitFor,
  type RedisServerHandle,
  type ServiceProcess,
  collectStream,
  LOOPBACK_INSTANCES_ENV,
} from '@gateway/testkit';
import { bearer, REGISTRY_ENTRY, spec, TOKENS, TOKENS_ENV } from './support/registry-fixture.js';

const REPLICAS = 3;
const PER_REPLICA = 500;

describe('registry: 3 replicas × 500 concurrent Registers on one redis-server', () => {
  let redis: RedisServerHandle;
  const replicas: ServiceProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    for (let i = 0; i < REPLICAS; i++) {
      replicas.push(
        await startServiceProcess({
          name: `registry-${i}`,
          entry: REGISTRY_ENTRY,
          env: {
            REDIS_URL: redis.url,
            GATEWAY_TOKENS: TOKENS_ENV,
            LOG_LEVEL: 'warn',
            ...LOOPBACK_INSTANCES_ENV,
            // All the Registers come from one token at once: this checks ordering and loss,
            // not the per-token rate limit.
            GATEWAY_TOKEN_BURST: '100000',
            // 1,500 concurrent Registers on one redis-server, beside other test files on a
            // shared machine: this checks ordering and loss, not latency, so a slow command
            // must not fail the call (the default 2 s is for production).
            REDIS_COMMAND_TIMEOUT: '20s',
          },
        }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await redis?.stop();
  });

  it('stores all 1,500, with strictly increasing revisions, and a connected subscriber loses no event', async () => {
    const subscriber = new Redis(redis.url);
    const published: Array<{ revision: number; id: string; type: string }> = [];
    subscriber.on('message', (_channel: string, message: string) =>
      published.push(JSON.parse(message) as (typeof published)[number]),
    );
    await subscriber.subscribe(RedisChannels.instanceChanges);

    const channels = replicas.map((replica) => createChannel(replica.address));
    const clients = channels.map((channel) =>
      createClient(RegistryServiceDefinition, channel, { '*': bearer(TOKENS.core) }),
    );
    const admin = createClient(RegistryServiceDefinition, channels[0], {
      '*': bearer(TOKENS.admin),
    });
    const watch = collectStream<WatchInstancesResponse>((signal) =>
      admin.watchInstances({ group: '' }, { signal }),
    );
    await waitFor('the watch snapshot', () => watch.messages.length >= 1);

    const started = performance.now();
    const responses = await Promise.all(
      clients.flatMap((client, replica) =>
        Array.from({ length: PER_REPLICA }, (_, i) =>
          client.register({
            instance: spec({
              group: `g${replica}`,
              host: `10.${replica}.${Math.floor(i / 250)}.${i % 250}`,
              port: 8000 + (i % 7),
            }),
          }),
        ),
      ),
    );
    const elapsed = performance.now() - started;
    const total = REPLICAS * PER_REPLICA;
    console.log(
      `# ${total} concurrent Registers over ${REPLICAS} replicas: ${Math.round(elapsed)} ms (${Math.round((total / elapsed) * 1000)}/s)`,
    );

    assert.equal(responses.length, total);
    assert.ok(responses.every((response) => response.created));
    const revisions = responses.map((response) => response.revision).sort((a, b) => a - b);
    assert.deepEqual(
      revisions,
      Array.from({ length: total }, (_, i) => i + 1),
      'each Register got its own revision, 1..1500',
    );
    assert.equal(await redis.client.hlen(RedisKeys.instances), total);
    assert.equal(await redis.client.get(RedisKeys.instancesRevision), String(total));

    await waitFor('every change on the Redis channel', () => published.length >= total, {
      timeoutMs: 15_000,
    });
    assert.equal(published.length, total);
    assert.deepEqual(
      published.map((event) => event.revision),
      Array.from({ length: total }, (_, i) => i + 1),
      'published in strictly increasing order, none lost',
    );

    // The watcher's view: snapshots (assembled from their chunks) replace it, changes apply
    // in revision order. It must end at exactly the 1,500 instances at revision 1,500. A watch
    // that falls behind (a loaded machine: its revision poll stays ahead of the changes it has
    // sent) may take a fresh snapshot instead of the changes it covers; that is allowed,
    // counted and logged by the registry, never a lost or reordered change.
    const view = () => {
      const ids = new Set<string>();
      let pending: string[] | undefined;
      let revision = 0;
      let snapshots = 0;
      let ordered = true;
      for (const message of watch.messages) {
        if (message.event?.$case === 'snapshot') {
          pending = [...(pending ?? []), ...message.event.value.instances.map((i) => i.id)];
          if (!message.event.value.more) {
            ids.clear();
            for (const id of pending) ids.add(id);
            pending = undefined;
            snapshots += 1;
            revision = message.revision;
          }
        } else if (message.event?.$case === 'change') {
          if (message.revision !== revision + 1) ordered = false;
          revision = message.revision;
          ids.add(message.event.value.instanceId);
        }
      }
      return { ids, revision, snapshots, ordered, complete: pending === undefined };
    };
    // Generous: the suite runs two files at a time on this 2-core machine.
    const final = await waitFor(
      'the watcher to hold all 1,500 instances at revision 1,500',
      () => {
        const seen = view();
        return seen.complete && seen.revision === total && seen.ids.size === total
          ? seen
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.ok(final.ordered, 'every change followed the one before it (or a snapshot)');
    const changes = watch.messages.filter((message) => message.event?.$case === 'change');
    if (final.snapshots === 1)
      assert.equal(changes.length, total, 'without a resync, every change came as its own message');
    console.log(
      `[figure] gRPC watch: ${final.snapshots - 1} resync snapshot(s), ${watch.messages.length} messages for ${total} changes`,
    );

    await watch.stop();
    channels.forEach((channel) => channel.close());
    subscriber.disconnect();
  });
});
