import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ClientError, Status as GrpcStatus } from 'nice-grpc';
import { RedisKeys, type NodeSpecData } from '@gateway/shared';
import { startRedisServer, waitFor, type RedisServerHandle } from '@gateway/testkit';
import { nodeSpec, startHealthFixture, type HealthFixture } from './support/health-fixture.js';

const MAX_NODES = 2;

/** The gRPC code a call failed with, or 'OK'. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    assert.ok(error instanceof ClientError, String(error));
    if (error.code === GrpcStatus.RESOURCE_EXHAUSTED)
      assert.match(error.details, /^node: the inventory holds HEALTH_MAX_NODES \(2\) nodes/);
    return GrpcStatus[error.code];
  }
}

describe('health: the node inventory is bounded (HEALTH_MAX_NODES)', () => {
  let redis: RedisServerHandle;
  let health: HealthFixture;
  const declared: NodeSpecData = {
    ip: '127.0.0.21',
    healthUrl: 'http://127.0.0.21:9/healthz',
    ssh: { host: '', port: 0, user: 'deploy', hostKey: '' },
    configPath: '/etc/nginx/conf.d/gateway-upstream.conf',
    label: 'declared',
  };
  const stored = async () => await redis.client.hkeys(RedisKeys.nodes);

  beforeAll(async () => {
    redis = await startRedisServer();
    health = await startHealthFixture(redis.url, {
      HEALTH_MAX_NODES: String(MAX_NODES),
      HEALTH_NODES: JSON.stringify([declared]),
      HEALTH_INVENTORY_RECONCILE_INTERVAL: '1s',
      HEALTH_POLL_INTERVAL: '1h',
    });
    await waitFor('the declared node in the inventory', async () =>
      (await stored()).includes(declared.ip),
    );
  });
  afterAll(async () => {
    await health?.close();
    await redis?.stop();
  });

  it('refuses AddNode beyond the cap with RESOURCE_EXHAUSTED, writing nothing, and takes one again after a removal', async () => {
    assert.equal(await outcome(health.admin.addNode({ node: nodeSpec('127.0.0.22', 9) })), 'OK');
    const revision = await redis.client.get(RedisKeys.nodesRevision);
    assert.equal(
      await outcome(health.admin.addNode({ node: nodeSpec('127.0.0.23', 9) })),
      'RESOURCE_EXHAUSTED',
    );
    assert.deepEqual((await stored()).sort(), [declared.ip, '127.0.0.22']);
    assert.equal(await redis.client.get(RedisKeys.nodesRevision), revision, 'revision unchanged');
    // An ip already in the inventory is still ALREADY_EXISTS, not "full".
    assert.equal(
      await outcome(health.admin.addNode({ node: nodeSpec('127.0.0.22', 9) })),
      'ALREADY_EXISTS',
    );

    await health.admin.removeNode({ ip: '127.0.0.22' });
    assert.equal(await outcome(health.admin.addNode({ node: nodeSpec('127.0.0.23', 9) })), 'OK');
  });

  it('holds under concurrent AddNodes: exactly as many are added as there is room for', async () => {
    await health.admin.removeNode({ ip: '127.0.0.23' });
    const ips = Array.from({ length: 8 }, (_, index) => `127.0.0.${30 + index}`);
    const outcomes = await Promise.all(
      ips.map((ip) => outcome(health.admin.addNode({ node: nodeSpec(ip, 9) }))),
    );
    assert.equal(outcomes.filter((code) => code === 'OK').length, 1, outcomes.join());
    assert.equal(outcomes.filter((code) => code === 'RESOURCE_EXHAUSTED').length, 7);
    assert.equal((await stored()).length, MAX_NODES);
  });

  it('still restores a declared node lost from Redis when the inventory is full', async () => {
    await redis.client.hdel(RedisKeys.nodes, declared.ip);
    assert.equal(await outcome(health.admin.addNode({ node: nodeSpec('127.0.0.40', 9) })), 'OK');
    assert.equal((await stored()).length, MAX_NODES);
    await waitFor('the declared node restored', async () => (await stored()).includes(declared.ip));
    assert.equal((await stored()).length, MAX_NODES + 1);
  });
});
