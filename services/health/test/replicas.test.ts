import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ProbeDecision, Status } from '@gateway/proto/health';
import { RedisKeys } from '@gateway/shared';
import {
  isRunning,
  startNginx,
  startRedisServer,
  waitFor,
  type NginxHandle,
  type RedisServerHandle,
  type ServiceProcess,
  startAlertReceiver,
  type AlertReceiver,
} from '@gateway/testkit';
import { healthClients, nodeSpec, type HealthClient } from './support/health-fixture.js';
import { startReplicas } from './support/replicas.js';

const WINDOW_MS = 1_000;
/** How much later than its claim a probe may reach nginx on a loaded machine (event loop, connect). */
const PROBE_JITTER_MS = 200;

function probeTimes(nginx: NginxHandle, since = 0): number[] {
  return nginx
    .accessLog()
    .filter((entry) => entry.uri === '/healthz' && entry.time * 1000 >= since)
    .map((entry) => entry.time * 1000)
    .sort((a, b) => a - b);
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((time, index) => time - times[index]);
}

async function closeAll(
  clients: Array<{ channel: { close(): void } }>,
  replicas: ServiceProcess[],
) {
  for (const client of clients) client.channel.close();
  await Promise.all(replicas.map((replica) => replica.stop()));
}

describe('health: 2 replicas, a storm of 5,000 suspect reports in 5 s', () => {
  let redis: RedisServerHandle;
  let nodes: NginxHandle[];
  let replicas: ServiceProcess[];
  let clients: Array<ReturnType<typeof healthClients>>;

  beforeAll(async () => {
    redis = await startRedisServer();
    nodes = await Promise.all([
      startNginx({ host: '127.0.0.8' }),
      startNginx({ host: '127.0.0.9' }),
    ]);
    replicas = await startReplicas(redis.url, 2, {
      HEALTH_COALESCE_WINDOW: `${WINDOW_MS}ms`,
      // 5,000 reports of one sdk token: this checks coalescing across replicas, so the per-token
      // limits (checked in token-flood.test.ts) are lifted.
      HEALTH_REPORT_RATE_LIMIT: '1000000',
      GATEWAY_TOKEN_RATE: '1000000',
      GATEWAY_TOKEN_BURST: '1000000',
    });
    clients = replicas.map((replica) => healthClients(replica.address));
  });
  afterAll(async () => {
    await closeAll(clients ?? [], replicas ?? []);
    await Promise.all((nodes ?? []).map((node) => node.stop()));
    await redis?.stop();
  });

  it('answers every call, probes each node at most once per coalescing window, and no replica falls over', async () => {
    const admin: HealthClient = clients[0].admin;
    for (const node of nodes) await admin.addNode({ node: nodeSpec(node.host, node.port) });
    await waitFor('both nodes UP', async () =>
      (await admin.listNodes({})).nodes.every((node) => node.health?.status === Status.STATUS_UP),
    );

    const stormStart = Date.now();
    const decisions = new Map<number, number>();
    const errors: string[] = [];
    const latencies: number[] = [];
    const TOTAL = 5_000;
    const BATCH = 100;
    const calls: Array<Promise<void>> = [];
    for (let sent = 0; sent < TOTAL; sent += BATCH) {
      // 1,000 clients reporting 5 times each, spread over both replicas; one noisy client too.
      for (let i = sent; i < sent + BATCH; i++) {
        const sdk = clients[i % 2].sdk;
        const reporter = i % 50 === 0 ? 'noisy-client' : `client-${i % 1000}`;
        const t0 = performance.now();
        calls.push(
          sdk
            .reportSuspect(
              { reporter, target: 'http://192.168.1.200/', failureKind: 2, consecutiveFailures: 3 },
              { signal: AbortSignal.timeout(30_000) },
            )
            .then(
              (answer) => {
                latencies.push(performance.now() - t0);
                decisions.set(answer.decision, (decisions.get(answer.decision) ?? 0) + 1);
              },
              (error: unknown) => {
                errors.push(String(error));
              },
            ),
        );
      }
      // 100 calls every 100 ms: 5,000 in 5 s.
      const next = stormStart + ((sent + BATCH) / TOTAL) * 5_000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
    const issuedMs = Date.now() - stormStart;
    await Promise.all(calls);
    const stormMs = Date.now() - stormStart;
    // Let the last trailing round run, then read the logs.
    await waitFor(
      'the trailing round after the storm',
      async () =>
        (await redis.client.exists(RedisKeys.healthProbeTrailing, RedisKeys.healthProbeWindow)) ===
        0,
      { timeoutMs: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    latencies.sort((a, b) => a - b);
    const started = decisions.get(ProbeDecision.PROBE_DECISION_STARTED) ?? 0;
    const joined = decisions.get(ProbeDecision.PROBE_DECISION_JOINED) ?? 0;
    const limited = decisions.get(ProbeDecision.PROBE_DECISION_RATE_LIMITED) ?? 0;
    console.log(
      `# FIGURE storm: ${TOTAL} calls issued in ${issuedMs} ms, all answered after ${stormMs} ms, over 2 replicas; answered ${latencies.length}, errors ${errors.length}; ` +
        `STARTED ${started}, JOINED ${joined}, RATE_LIMITED ${limited}; latency p50 ${latencies[Math.floor(latencies.length / 2)]?.toFixed(1)} ms, ` +
        `p99 ${latencies[Math.floor(latencies.length * 0.99)]?.toFixed(1)} ms, max ${latencies[latencies.length - 1]?.toFixed(1)} ms`,
    );
    assert.deepEqual(errors, [], 'every call answered');
    assert.equal(latencies.length, TOTAL);
    assert.equal(limited, 0, 'no report rate-limited: the limits are lifted here');

    for (const node of nodes) {
      const times = probeTimes(node, stormStart);
      const spanMs = times.length > 0 ? times[times.length - 1] - times[0] : 0;
      const minGap = Math.min(...gaps(times));
      console.log(
        `# FIGURE storm: node ${node.host}: ${times.length} probes over ${spanMs.toFixed(0)} ms, gaps ${gaps(
          times,
        )
          .map((gap) => gap.toFixed(0))
          .join(', ')} ms`,
      );
      assert.ok(times.length >= 2, 'the storm did cause probes');
      // Strict: a node's next suspect-triggered probe waits a window after the previous one ENDED
      // (per-node gate), so in nginx's own log two probes are never closer than a window (± 1 ms of $msec rounding).
      assert.ok(
        minGap >= WINDOW_MS - 1,
        `at most one probe per ${WINDOW_MS} ms window (smallest gap ${minGap.toFixed(0)} ms)`,
      );
      assert.ok(
        times.length <= Math.floor(spanMs / WINDOW_MS) + 1,
        `${times.length} probes in ${spanMs.toFixed(0)} ms`,
      );
      // Windows of WINDOW_MS laid end to end from the first probe: one probe in each at most.
      const buckets = times.map((time) => Math.floor((time - times[0]) / WINDOW_MS));
      console.log(
        `# FIGURE storm: node ${node.host}: probes per consecutive ${WINDOW_MS} ms window ${JSON.stringify(buckets)}`,
      );
      assert.equal(new Set(buckets).size, buckets.length, 'one probe per window at most');
    }
    assert.ok(
      started <= Math.ceil(stormMs / WINDOW_MS) + 1,
      `${started} rounds started in ${stormMs} ms`,
    );
    for (const replica of replicas)
      assert.ok(isRunning(replica.process), `${replica.process.name} is still running`);
    const after = await clients[1].admin.listNodes({});
    assert.ok(after.nodes.every((node) => node.health?.status === Status.STATUS_UP));
  });
});

describe('health: 2 replicas, one periodic round per interval, takeover when its runner dies', () => {
  const INTERVAL_MS = 2_000;
  let redis: RedisServerHandle;
  let nginx: NginxHandle;
  let replicas: ServiceProcess[];
  let clients: Array<ReturnType<typeof healthClients>>;

  beforeAll(async () => {
    redis = await startRedisServer();
    nginx = await startNginx({ host: '127.0.0.10' });
    replicas = await startReplicas(redis.url, 2, {
      HEALTH_POLL_INTERVAL: `${INTERVAL_MS}ms`,
      HEALTH_PROBE_TIMEOUT: '1s',
    });
    clients = replicas.map((replica) => healthClients(replica.address));
  });
  afterAll(async () => {
    await closeAll(clients ?? [], replicas ?? []);
    await nginx?.stop();
    await redis?.stop();
  });

  it('runs one round per interval in total, and the other replica runs the next round in time after the runner is killed', async () => {
    await clients[0].admin.addNode({ node: nodeSpec(nginx.host, nginx.port) });
    const since = Date.now();
    await waitFor('four periodic probes', () => probeTimes(nginx, since).length >= 5, {
      timeoutMs: 8 * INTERVAL_MS,
    });
    const steady = gaps(probeTimes(nginx, since).slice(1));
    console.log(
      `# FIGURE poll with 2 replicas: gaps between probes ${steady.map((gap) => gap.toFixed(0)).join(', ')} ms (interval ${INTERVAL_MS} ms)`,
    );
    for (const gap of steady)
      assert.ok(
        gap >= INTERVAL_MS - PROBE_JITTER_MS,
        `one round per interval in total, not one per replica (gap ${gap.toFixed(0)} ms)`,
      );

    // Wait for a fresh claim, see its probe land, and kill the replica that made it.
    const claimOf = async () => (await redis.client.get(RedisKeys.healthPollClaim)) ?? '';
    const current = await claimOf();
    const fresh = await waitFor(
      'a new periodic claim',
      async () => {
        const claim = await claimOf();
        return claim !== current ? claim : undefined;
      },
      { timeoutMs: 3 * INTERVAL_MS, intervalMs: 10 },
    );
    const runner = fresh.split(' ')[1];
    const runnerIndex = runner === 'replica-a' ? 0 : 1;
    const claimedAt = Number(fresh.split(' ')[0]);
    await waitFor(
      'its probe in the access log',
      () => probeTimes(nginx).some((time) => time >= claimedAt - 50),
      { timeoutMs: 5_000, intervalMs: 10 },
    );
    const lastProbe = probeTimes(nginx).at(-1)!;
    await replicas[runnerIndex].process.stop('SIGKILL');
    const survivor = replicas[1 - runnerIndex];

    const nextProbe = await waitFor(
      'the next periodic probe',
      () => probeTimes(nginx).find((time) => time > lastProbe),
      { timeoutMs: 3 * INTERVAL_MS, intervalMs: 10 },
    );
    const takeoverGap = nextProbe - lastProbe;
    const claim = await claimOf();
    console.log(
      `# FIGURE takeover: ${runner} killed; next round by ${claim.split(' ')[1]} ${takeoverGap.toFixed(0)} ms after the previous one (interval ${INTERVAL_MS} ms)`,
    );
    assert.notEqual(claim.split(' ')[1], runner, 'the survivor claimed the round');
    assert.ok(
      takeoverGap <= INTERVAL_MS + 500,
      `the next round ran in time (${takeoverGap.toFixed(0)} ms after the previous)`,
    );
    assert.ok(isRunning(survivor.process));
    await waitFor(
      'the survivor keeps polling',
      () => probeTimes(nginx).filter((time) => time > lastProbe).length >= 2,
      { timeoutMs: 3 * INTERVAL_MS },
    );
    const admin = clients[1 - runnerIndex].admin;
    const { nodes } = await admin.listNodes({});
    assert.equal(nodes[0]?.health?.status, Status.STATUS_UP);
    assert.equal(nodes[0]?.health?.stale, false);
  });
});

describe('health: 2 replicas probing the same node at once alert once per transition', () => {
  let redis: RedisServerHandle;
  let nginx: NginxHandle;
  let receiver: AlertReceiver;
  let replicas: ServiceProcess[];
  let clients: Array<ReturnType<typeof healthClients>>;

  beforeAll(async () => {
    redis = await startRedisServer();
    nginx = await startNginx({ host: '127.0.0.16' });
    receiver = await startAlertReceiver();
    replicas = await startReplicas(redis.url, 2, {
      HEALTH_ALERT_WEBHOOK_URLS: `${receiver.url}/hook`,
      HEALTH_ALERT_RETRY_BACKOFF: '50ms',
    });
    clients = replicas.map((replica) => healthClients(replica.address));
  });
  afterAll(async () => {
    await closeAll(clients ?? [], replicas ?? []);
    await receiver?.close();
    await nginx?.stop();
    await redis?.stop();
  });

  it('sends one DOWN and one UP alert however many replicas and rounds saw each', async () => {
    await clients[0].admin.addNode({ node: nodeSpec(nginx.host, nginx.port) });
    await waitFor(
      'UP',
      async () =>
        (await clients[1].admin.getNode({ ip: nginx.host })).node?.health?.status ===
        Status.STATUS_UP,
    );
    const everyoneProbes = async () => {
      const rounds = await Promise.all([
        ...clients.flatMap((client) => [
          client.admin.probeNow({ ip: '' }),
          client.admin.probeNow({ ip: '' }),
        ]),
        ...clients.map((client, index) =>
          client.sdk.reportSuspect({
            reporter: `svc-${index}`,
            target: 'vip',
            failureKind: 1,
            consecutiveFailures: 3,
          }),
        ),
      ]);
      return rounds.length;
    };
    await nginx.stop();
    await everyoneProbes();
    await waitFor('the DOWN alert', () => receiver.received.length >= 1);
    await everyoneProbes();
    await nginx.start();
    await everyoneProbes();
    await waitFor('the UP alert', () => receiver.received.length >= 2);
    await everyoneProbes();
    // Every alert comes from a transition: exactly three happened (first UP, DOWN, UP), so no
    // duplicate can still be on its way.
    assert.equal(await redis.client.get(RedisKeys.healthRevision), '3');
    const alerts = receiver.received.map((request) => {
      const body = request.body as { details: { status: string }; replica: string };
      return [body.details.status, body.replica];
    });
    console.log(
      `# FIGURE 2 replicas, 4 ProbeNow + 2 reports per step: alerts ${JSON.stringify(alerts)}`,
    );
    assert.deepEqual(
      alerts.map(([status]) => status),
      ['DOWN', 'UP'],
    );
    const stats = await redis.client.hgetall(RedisKeys.alertDelivery('health'));
    assert.equal(stats['delivered'], '2', 'two deliveries in total across both replicas');
  });
});
