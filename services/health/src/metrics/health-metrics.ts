import { Counter, Histogram } from 'prom-client';
import { cachedRead, HEALTH_STATUSES, readBackedGauges, type Telemetry } from '@gateway/shared';
import type { ProbeObserver } from '../probe/probe-observer.js';
import type { HealthReader } from '../state/health-reader.js';
import type { SuspectDecision, SuspectIntake } from '../suspect/suspect-intake.js';

const SUSPECT_DECISIONS: readonly SuspectDecision[] = ['STARTED', 'JOINED', 'RATE_LIMITED'];

/**
 * The health service's own series. Probes, transitions and suspect decisions are counted
 * by the replica that made them; node status and staleness are read from Redis at scrape
 * time (nodes are few; shared by every replica: aggregate with max). Labels: node ip
 * (bounded by the inventory), result, status, decision.
 */
export function HealthMetrics(telemetry: Telemetry, reader: HealthReader) {
  const registers = [telemetry.registry];
  const probes = new Counter({
    name: 'gateway_health_probes_total',
    help: 'Probes of a node by this replica, by result (healthy, unhealthy)',
    labelNames: ['node', 'result'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'gateway_health_probe_duration_seconds',
    help: "Duration of a probe of a node's health URL (a failed probe lasts until it failed)",
    labelNames: ['node'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers,
  });
  const transitions = new Counter({
    name: 'gateway_health_node_transitions_total',
    help: 'UP/DOWN transitions of a node written by this replica, by the new status',
    labelNames: ['node', 'status'] as const,
    registers,
  });
  const suspects = new Counter({
    name: 'gateway_health_suspect_reports_total',
    help: 'Suspect reports taken by this replica, by decision (STARTED a round, JOINED one: coalesced, RATE_LIMITED)',
    labelNames: ['decision'] as const,
    registers,
  });
  for (const decision of SUSPECT_DECISIONS) suspects.inc({ decision }, 0);

  const read = cachedRead(() => reader.list(), {
    ttlMs: 100,
    timeoutMs: 2_000,
    onError: telemetry.collectFailed('health-nodes'),
  });
  const fromRedis = readBackedGauges(read, registers);
  fromRedis(
    'gateway_health_node_status',
    'A node’s stored status: 1 for the status it has (UP, DOWN, UNKNOWN before its first verdict), 0 for the others',
    (gauge, nodes) => {
      for (const node of nodes)
        for (const status of [...HEALTH_STATUSES, 'UNKNOWN'])
          gauge.set(
            { node: node.spec.ip, status },
            (node.health.status ?? 'UNKNOWN') === status ? 1 : 0,
          );
    },
    ['node', 'status'],
  );
  fromRedis(
    'gateway_health_node_stale',
    'A node’s status is stale: never probed, not probed within HEALTH_STALE_AFTER, or kept unconfirmed',
    (gauge, nodes) => {
      for (const node of nodes) gauge.set({ node: node.spec.ip }, node.health.stale ? 1 : 0);
    },
    ['node'],
  );
  fromRedis('gateway_health_nodes', 'Nodes in the inventory', (gauge, nodes) =>
    gauge.set(nodes.length),
  );

  const observer: ProbeObserver = {
    probed(ip, outcome) {
      probes.inc({ node: ip, result: outcome.healthy ? 'healthy' : 'unhealthy' });
      latency.observe({ node: ip }, outcome.latencyMs / 1000);
    },
    changed(ip, status) {
      transitions.inc({ node: ip, status });
    },
  };
  return {
    /** Give to the ProbeRunner. */
    observer,
    /** The intake, counting each report's decision. */
    countingIntake(intake: SuspectIntake): SuspectIntake {
      return {
        async report(report, token) {
          const decision = await intake.report(report, token);
          suspects.inc({ decision });
          return decision;
        },
        stop: () => intake.stop(),
      };
    },
  };
}
