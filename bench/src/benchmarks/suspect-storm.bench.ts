import { createClient } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { FailureKind, ProbeDecision, Status as NodeStatus } from '@gateway/proto/health';
import { RedisKeys } from '@gateway/shared';
import { startNginx, waitFor, type NginxHandle } from '@gateway/testkit';
import type { Benchmark, BenchmarkFigure } from '../framework/benchmark.js';
import { openLoop } from '../framework/load.js';
import { quantile, round } from '../framework/stats.js';
import { Teardown } from '../framework/teardown.js';
import { benchRedis } from '../support/bench-redis.js';
import { mostProbesInAWindow } from '../support/probe-windows.js';
import { retryUnavailable } from '../support/retry-unavailable.js';
import { channelTo, healthClient, startService } from '../support/services.js';

const WINDOW_MS = 1_000;
const P99_RATIO_BOUND = 2;
const CALL_TIMEOUT_MS = 120_000;

/** Times (ms) of the health probes nginx logged since `since` (epoch ms), sorted. */
function probeTimes(node: NginxHandle, since: number): number[] {
  return node
    .accessLog()
    .filter((entry) => entry.uri === '/healthz' && entry.time * 1000 >= since)
    .map((entry) => entry.time * 1000)
    .sort((a, b) => a - b);
}

/** 10,000 ReportSuspect over 10 s to 2 health replicas, probes counted in the nodes' own access logs. */
export const benchmark: Benchmark = {
  name: 'suspect-storm',
  title: 'Suspect storm: 10,000 ReportSuspect over 10 s to 2 health replicas probing 2 nginx nodes',
  async run({ quick, log, signal }) {
    const total = quick ? 500 : 10_000;
    const durationMs = quick ? 1_000 : 10_000;
    const teardown = Teardown();
    try {
      const redis = await benchRedis(teardown);
      const nodes = [
        teardown.add(await startNginx({ host: '127.0.0.8' }), (n) => n.stop()),
        teardown.add(await startNginx({ host: '127.0.0.9' }), (n) => n.stop()),
      ];
      const replicas = [];
      for (const id of ['a', 'b'])
        replicas.push(
          teardown.add(
            await startService('health', redis.url, {
              name: `health-${id}`,
              env: {
                HEALTH_REPLICA_ID: `replica-${id}`,
                HEALTH_COALESCE_WINDOW: `${WINDOW_MS}ms`,
                // No periodic round during the measurement: every probe in the logs is the storm's.
                HEALTH_POLL_INTERVAL: '10m',
              },
            }),
            (p) => p.stop(),
          ),
        );
      const channels = replicas.map((replica) =>
        teardown.add(channelTo(replica.address), (c) => c.close()),
      );
      const sdk = channels.map((channel) => healthClient(channel, 'sdk'));
      const noop = channels.map((channel) => createClient(HealthDefinition, channel));
      const admin = healthClient(channels[0]);
      for (const node of nodes)
        await admin.addNode({
          node: {
            ip: node.host,
            healthUrl: `http://${node.host}:${node.port}/healthz`,
            ssh: { host: '', port: 0, user: 'deploy', hostKey: '' },
            configPath: '/etc/nginx/conf.d/gateway-upstream.conf',
            label: '',
          },
        });
      await waitFor('both nodes UP', async () =>
        (await admin.listNodes({})).nodes.every(
          (node) => node.health?.status === NodeStatus.STATUS_UP,
        ),
      );

      let retries = 0;
      log(`floor: ${total} grpc.health.v1 Check over ${durationMs} ms`);
      // Generous: on a saturated machine the calls queue; a call that still times out is counted.
      const timeout = () => ({ signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });

      const floor = await openLoop(
        total,
        durationMs,
        (i) =>
          retryUnavailable(
            () => noop[i % 2].check({ service: '' }, timeout()),
            () => (retries += 1),
          ),
        signal,
      );

      log(`storm: ${total} ReportSuspect over ${durationMs} ms`);
      const decisions = new Map<ProbeDecision, number>();
      const stormStart = Date.now();
      const storm = await openLoop(
        total,
        durationMs,
        async (i) => {
          const answer = await retryUnavailable(
            () =>
              sdk[i % 2].reportSuspect(
                {
                  // 2,000 clients reporting 5 times each: under the per-reporter rate limit.
                  reporter: `client-${i % 2_000}`,
                  target: 'http://192.168.1.200/',
                  failureKind: FailureKind.FAILURE_KIND_TIMEOUT,
                  consecutiveFailures: 3,
                },
                timeout(),
              ),
            () => (retries += 1),
          );
          decisions.set(answer.decision, (decisions.get(answer.decision) ?? 0) + 1);
        },
        signal,
      );
      await waitFor(
        'the trailing round after the storm',
        async () =>
          (await redis.client.exists(
            RedisKeys.healthProbeTrailing,
            RedisKeys.healthProbeWindow,
          )) === 0,
        { timeoutMs: 15_000 },
      );
      // The trailing round's probes reach nginx's log moments after its window closes.
      await new Promise((resolve) => setTimeout(resolve, 500));

      const perNode = nodes.map((node) => probeTimes(node, stormStart));
      const most = Math.max(...perNode.map((times) => mostProbesInAWindow(times, WINDOW_MS)));
      const floorP99 = quantile(floor.latencies, 0.99);
      const stormP99 = quantile(storm.latencies, 0.99);
      const stormSpanS = (Date.now() - stormStart) / 1000;
      const figures: BenchmarkFigure[] = [
        { name: 'calls', value: total, unit: 'count' },
        { name: 'floor: Check p50', value: round(quantile(floor.latencies, 0.5)), unit: 'ms' },
        { name: 'floor: Check p99', value: round(floorP99), unit: 'ms' },
        { name: 'ReportSuspect p50', value: round(quantile(storm.latencies, 0.5)), unit: 'ms' },
        { name: 'ReportSuspect p99', value: round(stormP99), unit: 'ms' },
        { name: 'calls retried after UNAVAILABLE (floor + storm)', value: retries, unit: 'count' },
        { name: 'floor: Check calls failed', value: floor.failed, unit: 'count' },
        { name: 'ReportSuspect calls failed', value: storm.failed, unit: 'count' },
        { name: 'floor: issued in', value: round(floor.issuedMs, 0), unit: 'ms' },
        { name: 'floor: all answered after', value: round(floor.answeredMs, 0), unit: 'ms' },
        { name: 'storm: issued in', value: round(storm.issuedMs, 0), unit: 'ms' },
        { name: 'storm: all answered after', value: round(storm.answeredMs, 0), unit: 'ms' },
        {
          name: 'STARTED',
          value: decisions.get(ProbeDecision.PROBE_DECISION_STARTED) ?? 0,
          unit: 'count',
        },
        {
          name: 'JOINED',
          value: decisions.get(ProbeDecision.PROBE_DECISION_JOINED) ?? 0,
          unit: 'count',
        },
        {
          name: 'RATE_LIMITED',
          value: decisions.get(ProbeDecision.PROBE_DECISION_RATE_LIMITED) ?? 0,
          unit: 'count',
        },
        ...nodes.map((node, index) => ({
          name: `probes of ${node.host} (storm + trailing round, ${round(stormSpanS, 1)} s)`,
          value: perNode[index].length,
          unit: 'count',
        })),
      ];
      log(
        `p99 ReportSuspect ${stormP99.toFixed(1)} ms vs Check ${floorP99.toFixed(1)} ms; at most ${most} probe(s) per node per window`,
      );
      return {
        figures,
        targets: [
          {
            name: `most probes of one node within one ${WINDOW_MS} ms window`,
            value: most,
            comparison: '<=',
            bound: 1,
            unit: 'count',
          },
          {
            name: 'ReportSuspect calls that failed (after retries, or past the call timeout)',
            value: storm.failed,
            comparison: '<=',
            bound: 0,
            unit: 'count',
          },
          {
            name: 'ReportSuspect p99 ÷ no-op Check p99',
            value: round(floorP99 > 0 ? stormP99 / floorP99 : Number.POSITIVE_INFINITY),
            comparison: '<=',
            bound: P99_RATIO_BOUND,
            unit: 'ratio',
          },
        ],
        notes: [
          `Open loop: the calls go out in batches every 20 ms whatever the answers, alternating between the 2 replicas; the floor is grpc.health.v1 Check on the same replicas at the same pace, just before. Probes are counted in each node's own nginx access log (GET /healthz), from the storm's start until its trailing round ran; HEALTH_COALESCE_WINDOW=${WINDOW_MS}ms, periodic polling off (10 min).`,
          'When the calls are answered long after they were issued, the replicas (or this shared machine) were saturated: both latencies are then mostly queueing, and their ratio compares how each call waits in the same queue.',
          ...[floor, storm].flatMap((phase, index) =>
            phase.firstError
              ? [
                  `${index === 0 ? 'Check' : 'ReportSuspect'}: ${phase.failed} call(s) failed, first: ${phase.firstError}`,
                ]
              : [],
          ),
          `Each call may take ${CALL_TIMEOUT_MS / 1000} s and is retried after UNAVAILABLE (as the SDK does); the percentiles are of the calls that succeeded.`,
          ...(quick ? [`Quick variant: ${total} calls over ${durationMs} ms.`] : []),
        ],
      };
    } finally {
      await teardown.close();
    }
  },
};
