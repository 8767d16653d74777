import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Redis } from 'ioredis';
import { parseNodeChange, RedisChannels, RedisKeys, type NodeSpecData } from '@gateway/shared';
import {
  collectStream,
  startNginx,
  startRedisServer,
  waitFor,
  type NginxHandle,
  type RedisServerHandle,
} from '@gateway/testkit';
import { nodeSpec, startHealthFixture, type HealthFixture } from './support/health-fixture.js';

describe('health: the declared node inventory heals itself on every replica', () => {
  let redis: RedisServerHandle;
  let nginx: NginxHandle;
  let replicas: HealthFixture[] = [];
  let subscriber: Redis;
  const added: Array<{ ip: string; at: number }> = [];
  let declared: NodeSpecData;

  beforeAll(async () => {
    redis = await startRedisServer();
    nginx = await startNginx({ host: '127.0.0.6' });
    declared = {
      ip: '127.0.0.6',
      healthUrl: `http://127.0.0.6:${nginx.port}/healthz`,
      ssh: { host: '', port: 0, user: 'deploy', hostKey: '' },
      configPath: '/etc/nginx/conf.d/gateway-upstream.conf',
      label: 'declared',
    };
    subscriber = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => {
      const change = parseNodeChange(message);
      if (change?.type === 'ADDED') added.push({ ip: change.ip, at: Date.now() });
    });
    await subscriber.subscribe(RedisChannels.nodeChanges);
    const env = {
      HEALTH_NODES: JSON.stringify([declared]),
      HEALTH_INVENTORY_RECONCILE_INTERVAL: '1s',
      HEALTH_POLL_INTERVAL: '1h',
    };
    replicas = [
      await startHealthFixture(redis.url, { ...env, HEALTH_REPLICA_ID: 'health-a' }),
      await startHealthFixture(redis.url, { ...env, HEALTH_REPLICA_ID: 'health-b' }),
    ];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    subscriber?.disconnect();
    await nginx?.stop();
    await redis?.stop();
  });

  const stored = async (ip: string) => await redis.client.hget(RedisKeys.nodes, ip);
  const storedLabel = async (ip: string) =>
    (JSON.parse((await stored(ip)) ?? '{}') as { label?: string }).label;

  it('puts a declared node back after FLUSHALL, once, with its declared spec, and probes it UP again', async () => {
    const admin = replicas[0].admin;
    await admin.addNode({ node: nodeSpec('127.0.0.7', 9) });
    await waitFor(
      'the declared node to be UP',
      async () => (await redis.client.get(RedisKeys.healthStatus(declared.ip))) === 'UP',
    );
    added.length = 0;
    const watch = collectStream((signal) => admin.watchNodes({}, { signal }));
    await waitFor('the watch snapshot', () => watch.messages.length >= 1);
    const lost = Date.now();
    await redis.client.flushall();
    await waitFor(
      'the declared node to be back and UP',
      async () => (await redis.client.get(RedisKeys.healthStatus(declared.ip))) === 'UP',
      { timeoutMs: 15_000 },
    );
    console.log(
      `[figure] declared node back in the inventory and UP ${Date.now() - lost} ms after FLUSHALL`,
    );
    await waitFor('the node watcher to get a snapshot of the restored inventory', () =>
      watch.messages
        .slice(1)
        .some(
          (message) =>
            message.snapshot && message.nodes.some((node) => node.spec?.ip === declared.ip),
        ),
    );
    await watch.stop();
    assert.equal(await storedLabel(declared.ip), 'declared');
    assert.equal(
      await stored('127.0.0.7'),
      null,
      'a node added through AddNode is not declared: not restored',
    );
    // Two more rounds of both replicas: still one ADDED.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.deepEqual(
      added.map((entry) => entry.ip),
      [declared.ip],
      'two replicas reconciling at once add it once',
    );
  });

  it('keeps what UpdateNode changed on a declared node, and puts back one removed while still declared', async () => {
    const admin = replicas[1].admin;
    await admin.updateNode({
      node: { ...nodeSpec(declared.ip, nginx.port), label: 'changed by an admin' },
    });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.equal(await storedLabel(declared.ip), 'changed by an admin');

    await admin.removeNode({ ip: declared.ip });
    await waitFor(
      'the removed declared node to come back',
      async () => (await stored(declared.ip)) !== null,
      {
        timeoutMs: 10_000,
      },
    );
    assert.equal(await storedLabel(declared.ip), 'declared');
  });
});
