import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  probeEndpoint,
  scrapeMetrics,
  startAlertReceiver,
  startRedisServer,
  startServiceProcess,
  waitFor,
  type AlertReceiver,
  type RedisServerHandle,
  type ServiceProcess,
} from '@gateway/testkit';
import { HEALTH_ENTRY, healthClients, nodeSpec, TOKENS_ENV } from './support/health-fixture.js';

const SERIES = [
  'gateway_grpc_server_handled_total',
  'gateway_health_probes_total',
  'gateway_health_probe_duration_seconds_bucket',
  'gateway_health_node_status',
  'gateway_health_node_stale',
  'gateway_health_nodes',
  'gateway_health_node_transitions_total',
  'gateway_health_suspect_reports_total',
  'gateway_alert_deliveries_total',
  'gateway_alert_outbox_depth',
  'gateway_alerts_firing',
  'gateway_redis_errors_total',
  'gateway_redis_connection_up',
];

/** A node's /healthz on `host`: 200 while it runs. */
async function startHealthEndpoint(host: string): Promise<Server> {
  const server = createServer((_, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return server;
}

describe('health metrics', () => {
  let redis: RedisServerHandle;
  let receiver: AlertReceiver;
  let health: ServiceProcess;
  let nodeA: Server;
  let nodeB: Server;
  let metrics: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    receiver = await startAlertReceiver();
    nodeA = await startHealthEndpoint('127.0.0.2');
    nodeB = await startHealthEndpoint('127.0.0.3');
    health = await startServiceProcess({
      name: 'health',
      entry: HEALTH_ENTRY,
      env: {
        REDIS_URL: redis.url,
        GATEWAY_TOKENS: TOKENS_ENV,
        HEALTH_POLL_INTERVAL: '1s',
        HEALTH_ALERT_WEBHOOK_URLS: `${receiver.url}/hook`,
        HEALTH_ALERT_POLL_INTERVAL: '200ms',
      },
    });
    metrics = health.metricsAddress!;
  });
  afterAll(async () => {
    await health?.stop();
    nodeA?.close();
    nodeB?.close();
    await receiver?.close();
    await redis?.stop();
  });

  it('shows a node going DOWN: its status, the probes, the transition, the suspect reports and the alert delivered', async () => {
    const { channel, admin, sdk } = healthClients(health.address);
    try {
      for (const [ip, server] of [
        ['127.0.0.2', nodeA],
        ['127.0.0.3', nodeB],
      ] as const)
        await admin.addNode({ node: nodeSpec(ip, (server.address() as AddressInfo).port) });
      await waitFor(
        'both nodes UP in the metrics',
        async () => {
          const scrape = await scrapeMetrics(metrics);
          return ['127.0.0.2', '127.0.0.3'].every(
            (node) => scrape.value('gateway_health_node_status', { node, status: 'UP' }) === 1,
          );
        },
        { timeoutMs: 15_000, intervalMs: 200 },
      );
      const before = await scrapeMetrics(metrics);
      for (const name of SERIES) assert.ok(before.names().has(name), `${name} is exported`);
      assert.equal(before.value('gateway_health_nodes'), 2);
      assert.ok(
        (before.value('gateway_health_probes_total', { node: '127.0.0.2', result: 'healthy' }) ??
          0) >= 1,
      );
      const suspectsBefore = before.value('gateway_health_suspect_reports_total') ?? 0;

      await new Promise<void>((resolve) => nodeA.close(() => resolve()));
      nodeA.closeAllConnections();
      const reportedAt = Date.now();
      for (let report = 0; report < 2; report++)
        await sdk.reportSuspect({
          reporter: 'orders/10.0.0.1/1',
          target: 'http://192.168.1.200/api',
          failureKind: 1,
          consecutiveFailures: 3,
        });
      const after = await waitFor(
        '127.0.0.2 DOWN in the metrics',
        async () => {
          const scrape = await scrapeMetrics(metrics);
          return scrape.value('gateway_health_node_status', {
            node: '127.0.0.2',
            status: 'DOWN',
          }) === 1
            ? scrape
            : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      console.log(
        `[figure] node DOWN visible in /metrics ${Date.now() - reportedAt} ms after the report`,
      );
      assert.equal(
        after.value('gateway_health_node_status', { node: '127.0.0.2', status: 'UP' }),
        0,
      );
      assert.equal(
        after.value('gateway_health_node_status', { node: '127.0.0.3', status: 'UP' }),
        1,
      );
      assert.ok(
        (after.value('gateway_health_probes_total', { node: '127.0.0.2', result: 'unhealthy' }) ??
          0) >= 1,
      );
      assert.equal(
        after.value('gateway_health_node_transitions_total', { node: '127.0.0.2', status: 'DOWN' }),
        1,
      );
      assert.equal((after.value('gateway_health_suspect_reports_total') ?? 0) - suspectsBefore, 2);
      assert.ok(
        (after.value('gateway_health_suspect_reports_total', { decision: 'STARTED' }) ?? 0) >= 1,
      );
      await waitFor(
        'the DOWN alert delivered and counted',
        async () =>
          ((await scrapeMetrics(metrics)).value('gateway_alert_deliveries_total', {
            source: 'health',
            result: 'delivered',
          }) ?? 0) >= 1,
        { timeoutMs: 15_000, intervalMs: 200 },
      );
    } finally {
      channel.close();
    }
  });

  it('is ready while SERVING, and answers /healthz', async () => {
    assert.equal(await probeEndpoint(metrics, '/readyz'), 200);
    assert.equal(await probeEndpoint(metrics, '/healthz'), 200);
  });
});
