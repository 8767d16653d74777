import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { FailureKind, NodeHealthServiceDefinition } from '@gateway/proto/health';
import { PushOutcome } from '@gateway/proto/configpush';
import { RedisKeys } from '@gateway/shared';
import { startServiceProcess, waitFor, type ServiceProcess, serviceEntry } from '@gateway/testkit';
import {
  ADMIN_TOKEN,
  bearer,
  configPushEnv,
  getThrough,
  startBackend,
  startInProcessConfigPush,
  startPushWorld,
  TOKENS_ENV,
  type Backend,
  type InProcessConfigPush,
  type PushWorld,
} from './support/push-fixture.js';

const HEALTH_ENTRY = serviceEntry('health');

/**
 * With the real health service deciding UP/DOWN: a node's nginx
 * is stopped and a client reports the failure; the health service probes, marks it DOWN
 * and publishes the change; config-push skips it. Once nginx is back, the health
 * service's poll marks it UP and config-push brings it to the latest revision.
 */
describe('config-push with the real health service', () => {
  let world: PushWorld;
  let health: ServiceProcess;
  let healthChannel: Channel;
  let push: InProcessConfigPush;
  const backends: Backend[] = [];
  beforeAll(async () => {
    world = await startPushWorld();
    health = await startServiceProcess({
      name: 'health',
      entry: HEALTH_ENTRY,
      env: {
        REDIS_URL: world.redis.url,
        GATEWAY_TOKENS: TOKENS_ENV,
        LOG_LEVEL: 'warn',
        HEALTH_POLL_INTERVAL: '1s',
        HEALTH_PROBE_CONNECT_TIMEOUT: '300ms',
        HEALTH_PROBE_TIMEOUT: '500ms',
        HEALTH_COALESCE_WINDOW: '100ms',
      },
    });
    healthChannel = createChannel(health.address);
    push = await startInProcessConfigPush(configPushEnv(world.redis.url, world.privateKeyPath));
  });
  afterAll(async () => {
    await push?.close();
    healthChannel?.close();
    await health?.stop();
    for (const backend of backends) await backend.close();
    await world?.close();
  });

  it('a node the health service marks DOWN is skipped; back UP, it converges with no new registration', async () => {
    const healthClient = createClient(NodeHealthServiceDefinition, healthChannel, {
      '*': bearer(ADMIN_TOKEN),
    });
    const [up, down] = world.nodes as [PushWorld['nodes'][0], PushWorld['nodes'][0]];
    const status = (ip: string) => world.redis.client.get(RedisKeys.healthStatus(ip));
    await waitFor(
      'both nodes UP in the health service',
      async () => (await status(up.ip)) === 'UP' && (await status(down.ip)) === 'UP',
      { timeoutMs: 10_000 },
    );
    const one = await startBackend('one');
    backends.push(one);
    const baseline = await world.register('default', one.port);
    const appliedAt = async (ip: string) =>
      (await push.client.getPushStatus({})).nodes.find((node) => node.nodeIp === ip)
        ?.appliedRevision;
    await waitFor(
      'both nodes at the first revision',
      async () => (await appliedAt(up.ip)) === baseline && (await appliedAt(down.ip)) === baseline,
      { timeoutMs: 10_000 },
    );

    await down.nginx.stop();
    const report = await healthClient.reportSuspect({
      reporter: 'sdk-test',
      target: down.nginx.url,
      failureKind: FailureKind.FAILURE_KIND_CONNECTION_REFUSED,
      consecutiveFailures: 3,
    });
    assert.notEqual(report.decision, 0);
    await waitFor(
      'the health service to mark the node DOWN',
      async () => (await status(down.ip)) === 'DOWN',
      { timeoutMs: 10_000 },
    );
    const connections = down.sshd.connectionCount();

    const two = await startBackend('two');
    backends.push(two);
    const started = performance.now();
    const revision = await world.register('default', two.port);
    await waitFor('the UP node to apply it', async () => (await appliedAt(up.ip)) === revision, {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    console.log(
      `[figure] with the health service: registration → UP node applied with the other DOWN: ${Math.round(performance.now() - started)} ms`,
    );
    const skipped = (await push.client.getPushStatus({})).nodes.find(
      (node) => node.nodeIp === down.ip,
    )!;
    assert.equal(skipped.lastResult?.outcome, PushOutcome.PUSH_OUTCOME_SKIPPED_DOWN);
    assert.equal(skipped.appliedRevision, baseline);
    assert.equal(down.sshd.connectionCount(), connections, 'the DOWN node was not contacted');

    const revisionBefore = Number(await world.redis.client.get(RedisKeys.instancesRevision));
    await down.nginx.start();
    await waitFor(
      'the health service to mark it UP again',
      async () => (await status(down.ip)) === 'UP',
      { timeoutMs: 15_000 },
    );
    await waitFor(
      'the node to converge to the latest revision',
      async () => (await appliedAt(down.ip)) === revision,
      { timeoutMs: 10_000 },
    );
    assert.equal(Number(await world.redis.client.get(RedisKeys.instancesRevision)), revisionBefore);
    assert.ok(readFileSync(down.livePath).equals(readFileSync(up.livePath)));
    const bodies = new Set<string>();
    for (let i = 0; i < 6; i++) bodies.add((await getThrough(down)).body);
    assert.deepEqual([...bodies].sort(), ['one', 'two']);
  });
});
