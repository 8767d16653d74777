import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  probeEndpoint,
  scrapeMetrics,
  startServiceProcess,
  waitFor,
  type Scrape,
  type ServiceProcess,
} from '@gateway/testkit';
import { setNodeStatus } from './support/node-state.js';
import {
  CONFIG_PUSH_ENTRY,
  configPushEnv,
  startPushWorld,
  type PushWorld,
} from './support/push-fixture.js';

const SERIES = [
  'gateway_grpc_server_handled_total',
  'gateway_config_push_leader',
  'gateway_config_push_lease_fence',
  'gateway_config_push_lease_changes_total',
  'gateway_config_push_node_pushes_total',
  'gateway_config_push_node_push_duration_seconds_bucket',
  'gateway_config_push_node_reloads_total',
  'gateway_config_push_desired_revision',
  'gateway_config_push_desired_timestamp_seconds',
  'gateway_config_push_node_applied_revision',
  'gateway_config_push_node_applied_timestamp_seconds',
  'gateway_config_push_node_behind',
  'gateway_config_push_node_behind_seconds',
  'gateway_alert_outbox_depth',
  'gateway_redis_errors_total',
  'gateway_redis_connection_up',
];
const IPS = ['127.0.0.2', '127.0.0.3'];

describe('config-push metrics', () => {
  let world: PushWorld;
  let push: ServiceProcess;
  let metrics: string;

  beforeAll(async () => {
    world = await startPushWorld();
    push = await startServiceProcess({
      name: 'config-push',
      entry: CONFIG_PUSH_ENTRY,
      env: configPushEnv(world.redis.url, world.privateKeyPath, {
        CONFIG_PUSH_REPLICA_ID: 'metrics-replica',
      }),
    });
    metrics = push.metricsAddress!;
  });
  afterAll(async () => {
    await push?.stop();
    await world?.close();
  });

  const converged = (scrape: Scrape, revision: number) =>
    scrape.value('gateway_config_push_desired_revision') === revision &&
    IPS.every(
      (node) => scrape.value('gateway_config_push_node_applied_revision', { node }) === revision,
    );

  it('shows the leader, and a push of a registration to both nodes: pushes, reloads, revisions', async () => {
    await waitFor(
      'the lease taken',
      async () => (await scrapeMetrics(metrics)).value('gateway_config_push_leader') === 1,
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    const before = await scrapeMetrics(metrics);
    const registryBefore = await scrapeMetrics(world.registryProcess.metricsAddress!);
    const started = Date.now();
    const revision = await world.register('metrics', 31_000);
    const after = await waitFor(
      'both nodes at the new revision in the metrics',
      async () => {
        const scrape = await scrapeMetrics(metrics);
        return converged(scrape, revision) ? scrape : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    console.log(`[figure] push visible in /metrics ${Date.now() - started} ms after Register`);
    for (const name of SERIES) assert.ok(after.names().has(name), `${name} is exported`);
    assert.equal(after.value('gateway_config_push_lease_changes_total', { change: 'acquired' }), 1);
    assert.ok((after.value('gateway_config_push_lease_fence') ?? 0) >= 1);
    for (const node of IPS) {
      const applied = (scrape: Scrape) =>
        scrape.value('gateway_config_push_node_pushes_total', { node, outcome: 'APPLIED' }) ?? 0;
      assert.ok(applied(after) > applied(before), `a push APPLIED on ${node} was counted`);
      assert.ok((after.value('gateway_config_push_node_reloads_total', { node }) ?? 0) >= 1);
      assert.ok(
        (after.value('gateway_config_push_node_push_duration_seconds_count', { node }) ?? 0) >= 1,
      );
      assert.equal(after.value('gateway_config_push_node_behind', { node }), 0);
      assert.equal(after.value('gateway_config_push_node_behind_seconds', { node }), 0);
    }
    const registryAfter = await scrapeMetrics(world.registryProcess.metricsAddress!);
    assert.equal(
      (registryAfter.value('gateway_registry_instances', { group: 'metrics' }) ?? 0) -
        (registryBefore.value('gateway_registry_instances', { group: 'metrics' }) ?? 0),
      1,
    );
  });

  it('shows a DOWN node falling behind the desired revision, and for how long', async () => {
    await setNodeStatus(world.redis.client, IPS[1], 'DOWN');
    const revision = await world.register('metrics', 31_001);
    const scrape = await waitFor(
      `${IPS[1]} behind in the metrics`,
      async () => {
        const next = await scrapeMetrics(metrics);
        return next.value('gateway_config_push_desired_revision') === revision &&
          next.value('gateway_config_push_node_applied_revision', { node: IPS[0] }) === revision &&
          (next.value('gateway_config_push_node_behind_seconds', { node: IPS[1] }) ?? 0) > 0
          ? next
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    assert.equal(scrape.value('gateway_config_push_node_behind', { node: IPS[1] }), 1);
    assert.equal(scrape.value('gateway_config_push_node_behind', { node: IPS[0] }), 0);
    assert.ok(
      (scrape.value('gateway_config_push_node_applied_revision', { node: IPS[1] }) ?? 0) < revision,
    );
    await setNodeStatus(world.redis.client, IPS[1], 'UP');
  });

  it('is ready while SERVING and alive', async () => {
    assert.equal(await probeEndpoint(metrics, '/readyz'), 200);
    assert.equal(await probeEndpoint(metrics, '/healthz'), 200);
  });
});
