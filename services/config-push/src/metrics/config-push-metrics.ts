import type { Redis } from 'ioredis';
import { Counter, Gauge, Histogram } from 'prom-client';
import { cachedRead, readBackedGauges, type Telemetry } from '@gateway/shared';
import type { PushLease } from '../leader/push-lease.js';
import type { PushObserver } from '../reconcile/push-observer.js';
import { readConvergence } from './convergence-gauges.js';

/**
 * Config-push's own series. Pushes, reloads and lease changes are counted by the replica
 * that made them; desired vs applied revisions are read from Redis at scrape time (shared
 * by every replica: aggregate with max). Labels: node ip (bounded by the inventory),
 * outcome (5 values), failure kind (a fixed set).
 */
export function ConfigPushMetrics(telemetry: Telemetry, redis: Redis, lease: PushLease) {
  const registers = [telemetry.registry];
  const pushes = new Counter({
    name: 'gateway_config_push_node_pushes_total',
    help: 'Pushes to a node by this replica, by outcome (APPLIED, UNCHANGED, FAILED, REFUSED)',
    labelNames: ['node', 'outcome'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'gateway_config_push_node_push_duration_seconds',
    help: 'Duration of a push to a node (SSH, upload, nginx -t, reload), by outcome',
    labelNames: ['node', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const reloads = new Counter({
    name: 'gateway_config_push_node_reloads_total',
    help: 'Nginx reloads of a node made by pushes of this replica (pushes that APPLIED a new config)',
    labelNames: ['node'] as const,
    registers,
  });
  const failures = new Counter({
    name: 'gateway_config_push_node_push_failures_total',
    help: 'Failed pushes to a node by this replica, by kind (ssh, timeout, config_test, ...)',
    labelNames: ['node', 'kind'] as const,
    registers,
  });
  const observer: PushObserver = {
    pushed(attempt, durationMs, failure) {
      const labels = { node: attempt.ip, outcome: attempt.outcome };
      pushes.inc(labels);
      duration.observe(labels, durationMs / 1000);
      if (attempt.outcome === 'APPLIED') reloads.inc({ node: attempt.ip });
      if (failure) failures.inc({ node: attempt.ip, kind: failure });
    },
  };

  new Gauge({
    name: 'gateway_config_push_leader',
    help: '1 while this replica holds the push lease (the one replica that pushes)',
    registers,
    collect() {
      this.set(lease.current() ? 1 : 0);
    },
  });
  const fence = new Gauge({
    name: 'gateway_config_push_lease_fence',
    help: 'Fencing token of the lease term this replica holds (0 when it holds none)',
    registers,
  });
  const leaseChanges = new Counter({
    name: 'gateway_config_push_lease_changes_total',
    help: 'Push lease changes seen by this replica (acquired, lost)',
    labelNames: ['change'] as const,
    registers,
  });
  leaseChanges.inc({ change: 'acquired' }, 0);
  leaseChanges.inc({ change: 'lost' }, 0);
  let held = false;
  lease.onChange((term) => {
    fence.set(term?.fence ?? 0);
    if (term && !held) leaseChanges.inc({ change: 'acquired' });
    if (!term && held) leaseChanges.inc({ change: 'lost' });
    held = term !== undefined;
  });

  const read = cachedRead(() => readConvergence(redis), {
    ttlMs: 100,
    timeoutMs: 2_000,
    onError: telemetry.collectFailed('config-push-convergence'),
  });
  const fromRedis = readBackedGauges(read, registers);
  fromRedis(
    'gateway_config_push_desired_revision',
    'Registry revision of the desired config',
    (g, c) => {
      if (c.desired) g.set(c.desired.revision);
    },
  );
  fromRedis(
    'gateway_config_push_desired_timestamp_seconds',
    'When the desired config was accepted (Unix seconds)',
    (gauge, c) => {
      if (c.desired) gauge.set(c.desired.time / 1000);
    },
  );
  fromRedis(
    'gateway_config_push_node_applied_revision',
    'Registry revision of the config a node confirmed it runs',
    (gauge, c) => {
      for (const node of c.nodes)
        if (node.appliedRevision !== undefined) gauge.set({ node: node.ip }, node.appliedRevision);
    },
    ['node'],
  );
  fromRedis(
    'gateway_config_push_node_applied_timestamp_seconds',
    'When a node last confirmed the config it runs (Unix seconds)',
    (gauge, c) => {
      for (const node of c.nodes)
        if (node.appliedTime !== undefined) gauge.set({ node: node.ip }, node.appliedTime / 1000);
    },
    ['node'],
  );
  fromRedis(
    'gateway_config_push_node_behind',
    '1 while a node does not run the desired config',
    (gauge, c) => {
      for (const node of c.nodes) gauge.set({ node: node.ip }, node.behind ? 1 : 0);
    },
    ['node'],
  );
  fromRedis(
    'gateway_config_push_node_behind_seconds',
    'How long the desired config a node lacks has been waiting for it (0 when it runs it)',
    (gauge, c) => {
      for (const node of c.nodes) gauge.set({ node: node.ip }, node.behindSeconds);
    },
    ['node'],
  );
  return { observer };
}
