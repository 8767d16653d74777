import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Status, type WatchNodesResponse } from '@gateway/proto/health';
import {
  createTestNetwork,
  freePort,
  isRunning,
  prepareNodeNginxFiles,
  startNodeNginx,
  startRedisServer,
  startServiceProcess,
  StopWaiting,
  waitFor,
  type ManagedProcess,
  type Namespace,
  type NodeNginxHandle,
  type RedisServerHandle,
  type ServiceProcess,
  type TestNetwork,
  startAlertReceiver,
  type AlertReceiver,
} from '@gateway/testkit';
import { HEALTH_ENTRY, healthClients, nodeSpec, TOKENS_ENV } from './support/health-fixture.js';

const PROBE_TIMEOUT_MS = 1_000;
const RECHECK_DELAY_MS = 1_000;
const BLIND = 'health-blind';
const SIGHTED = 'health-sighted';

/** Forwards rootIp:port to a loopback port (Redis listens on 127.0.0.1 only). */
async function forward(host: string, target: number): Promise<{ port: number; server: Server }> {
  const port = await freePort(host);
  const server = createServer((socket) => {
    const upstream = connect(target, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { port, server };
}

describe('health: a replica that cannot reach any node does not condemn them', () => {
  let network: TestNetwork;
  let redis: RedisServerHandle;
  let relay: Server;
  let receiver: AlertReceiver;
  let nodes: Array<{ ns: Namespace; nginx: NodeNginxHandle }>;
  let blindNs: Namespace;
  let blind: ManagedProcess;
  let sighted: ServiceProcess;
  let blindClient: ReturnType<typeof healthClients>;
  let sightedClient: ReturnType<typeof healthClients>;

  beforeAll(async () => {
    network = createTestNetwork();
    redis = await startRedisServer();
    const relayed = await forward(network.rootIp, redis.port);
    relay = relayed.server;
    receiver = await startAlertReceiver(() => ({ status: 204, body: '' }));
    nodes = [];
    for (const [role, index] of [
      ['node1', 2],
      ['node2', 3],
    ] as const) {
      const ns = network.addNamespace(role, index);
      nodes.push({ ns, nginx: await startNodeNginx(ns, prepareNodeNginxFiles()) });
    }
    const env = {
      PATH: process.env['PATH'] ?? '',
      GATEWAY_TOKENS: TOKENS_ENV,
      LOG_LEVEL: 'info',
      HEALTH_POLL_INTERVAL: '1h',
      HEALTH_PROBE_TIMEOUT: `${PROBE_TIMEOUT_MS}ms`,
      HEALTH_PROBE_CONNECT_TIMEOUT: '500ms',
      HEALTH_MASS_FAILURE_RECHECK_DELAY: `${RECHECK_DELAY_MS}ms`,
      HEALTH_ALERT_WEBHOOK_URLS: `${receiver.url}/hook`,
      HEALTH_ALERT_TIMEOUT: '1s',
      HEALTH_ALERT_RETRY_BACKOFF: '100ms',
      HEALTH_ALERT_RETRY_MAX_BACKOFF: '1s',
      HEALTH_ALERT_POLL_INTERVAL: '100ms',
    };
    sighted = await startServiceProcess({
      name: SIGHTED,
      entry: HEALTH_ENTRY,
      env: { ...env, REDIS_URL: redis.url, HEALTH_REPLICA_ID: SIGHTED },
      timeoutMs: 30_000,
    });
    blindNs = network.addNamespace('blind', 4);
    const blindAddress = `${blindNs.ip}:50052`;
    blind = blindNs.spawn(BLIND, process.execPath, [HEALTH_ENTRY], {
      env: {
        ...env,
        REDIS_URL: `redis://${network.rootIp}:${relayed.port}`,
        HEALTH_REPLICA_ID: BLIND,
        GRPC_LISTEN: blindAddress,
        // The namespace's loopback is down: no metrics endpoint on 127.0.0.1 there.
        METRICS_LISTEN: 'off',
      },
    });
    blindClient = healthClients(blindAddress);
    sightedClient = healthClients(sighted.address);
    await waitFor('the blind replica to answer', async () => {
      if (!isRunning(blind)) throw new StopWaiting(`exited: ${blind.output().slice(-2000)}`);
      return (
        (await blindClient.admin.listNodes({}, { signal: AbortSignal.timeout(1_000) })).nodes !==
        undefined
      );
    });
    for (const { ns } of nodes) await sightedClient.admin.addNode({ node: nodeSpec(ns.ip, 80) });
    await waitFor('both nodes UP', async () =>
      (await sightedClient.admin.listNodes({})).nodes.every(
        (node) => node.health?.status === Status.STATUS_UP,
      ),
    );
  });
  afterAll(async () => {
    blindClient?.channel.close();
    sightedClient?.channel.close();
    await blind?.stop('SIGTERM', 5_000);
    await sighted?.stop();
    for (const node of nodes ?? []) await node.nginx.kill();
    network?.teardown();
    relay?.close();
    await receiver?.close();
    await redis?.stop();
  });

  it('keeps them UP, marked unconfirmed naming the replica, and alerts about the replica', async () => {
    for (const { ns } of nodes) blindNs.exec('ip', ['route', 'add', 'blackhole', `${ns.ip}/32`]);
    const watch = sightedClient.admin.watchNodes({}, { signal: AbortSignal.timeout(60_000) });
    const heard: WatchNodesResponse[] = [];
    const watching = (async () => {
      for await (const message of watch) {
        heard.push(message);
        if (!message.snapshot && message.nodes.some((node) => node.health?.staleReason)) return;
      }
    })().catch(() => undefined);

    const started = performance.now();
    const round = await blindClient.admin.probeNow({ ip: '' });
    const roundMs = Math.round(performance.now() - started);
    assert.equal(round.results.length, 2);
    assert.ok(
      round.results.every((result) => !result.healthy),
      'the blind replica failed both',
    );

    const listed = await sightedClient.admin.listNodes({});
    for (const node of listed.nodes) {
      assert.equal(node.health?.status, Status.STATUS_UP, `${node.spec?.ip} stays UP`);
      assert.equal(node.health?.stale, true);
      assert.match(
        node.health?.staleReason ?? '',
        new RegExp(`replica ${BLIND} cannot reach it, replica\\(s\\) ${SIGHTED} can`),
      );
    }
    await waitFor('the watcher to hear the unconfirmed mark', () =>
      heard.some(
        (message) => !message.snapshot && message.nodes.some((node) => node.health?.staleReason),
      ),
    );
    await watching;
    const alert = await waitFor('the alert about the blind replica', () =>
      receiver.received
        .map((request) => request.body as Record<string, unknown>)
        .find((body) => body['kind'] === 'health_replica_blind' && body['state'] === 'firing'),
    );
    assert.match(
      String(alert['message']),
      new RegExp(
        `health replica ${BLIND} cannot reach 2 of 2 nodes that replica\\(s\\) ${SIGHTED} reach`,
      ),
    );
    assert.equal((alert['details'] as Record<string, unknown>)['replica'], BLIND);
    assert.ok(
      !receiver.received.some(
        (request) => (request.body as Record<string, unknown>)['kind'] === 'node_down',
      ),
      'no node was alerted DOWN',
    );
    console.log(
      `[figure] blackholed replica's round judged (kept UP, unconfirmed) in ${roundMs} ms`,
    );

    for (const { ns } of nodes) blindNs.exec('ip', ['route', 'del', 'blackhole', `${ns.ip}/32`]);
    await blindClient.admin.probeNow({ ip: '' });
    const cleared = await sightedClient.admin.listNodes({});
    assert.ok(
      cleared.nodes.every((node) => node.health?.stale === false && node.health.staleReason === ''),
    );
    await waitFor('the recovery of the replica alert', () =>
      receiver.received.some((request) => {
        const body = request.body as Record<string, unknown>;
        return body['kind'] === 'health_replica_blind' && body['state'] === 'resolved';
      }),
    );
  });

  it('still marks every node DOWN when every replica sees them fail, after a bounded confirmation', async () => {
    const baselineStarted = performance.now();
    await blindClient.admin.probeNow({ ip: nodes[0].ns.ip });
    const baselineMs = Math.round(performance.now() - baselineStarted);
    for (const { nginx } of nodes) await nginx.kill();
    const started = performance.now();
    const round = await blindClient.admin.probeNow({ ip: '' });
    const confirmedMs = Math.round(performance.now() - started);
    assert.ok(
      round.results.every((result) => result.status === Status.STATUS_DOWN),
      JSON.stringify(round.results),
    );
    const listed = await sightedClient.admin.listNodes({});
    assert.ok(listed.nodes.every((node) => node.health?.status === Status.STATUS_DOWN));
    console.log(
      `[figure] all nodes down: DOWN after a confirmed round of ${confirmedMs} ms (one-node round ${baselineMs} ms; recheck delay ${RECHECK_DELAY_MS} ms, probe timeout ${PROBE_TIMEOUT_MS} ms)`,
    );
    assert.ok(
      confirmedMs < RECHECK_DELAY_MS + PROBE_TIMEOUT_MS + 2_000,
      `the confirmation adds at most the recheck delay and one probe (${confirmedMs} ms)`,
    );
  });
});
