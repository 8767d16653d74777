import { Counter, Gauge, Histogram } from 'prom-client';
import type { Logger, Telemetry } from '@gateway/shared';
import { SnapshotGate } from '../watch/snapshot-gate.js';

/**
 * The replica's SnapshotGate with its series: builds in flight, waiting, the most in
 * flight at once since start (never above REGISTRY_WATCH_SNAPSHOT_CONCURRENCY), how long
 * builds waited, and the watches refused (logged too: each ends a watch with UNAVAILABLE).
 */
export function MeteredSnapshotGate(
  telemetry: Telemetry,
  limits: { concurrency: number; queueLimit: number; waitTimeoutMs: number },
  logger: Logger,
): SnapshotGate {
  const registers = [telemetry.registry];
  const waited = new Histogram({
    name: 'gateway_registry_watch_snapshot_wait_seconds',
    help: 'How long a WatchInstances snapshot chunk waited for a build permit',
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers,
  });
  const refused = new Counter({
    name: 'gateway_registry_watch_snapshot_refusals_total',
    help: 'Watches ended with UNAVAILABLE because no snapshot build permit came (queue full or wait timed out)',
    labelNames: ['reason'] as const,
    registers,
  });
  const gate = SnapshotGate(limits, {
    onGranted: (ms) => waited.observe(ms / 1000),
    onRefused: (reason) => {
      refused.inc({ reason });
      logger.warn(
        { reason, inFlight: gate.inFlight, waiting: gate.waiting, ...limits },
        'watch refused: no snapshot build permit',
      );
    },
  });
  const figure = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  figure(
    'gateway_registry_watch_snapshots_in_flight',
    'WatchInstances snapshot chunks being built now (reading Redis, holding instances)',
    () => gate.inFlight,
  );
  figure(
    'gateway_registry_watch_snapshots_waiting',
    'WatchInstances snapshot chunks waiting for a build permit',
    () => gate.waiting,
  );
  figure(
    'gateway_registry_watch_snapshots_in_flight_peak',
    'The most snapshot chunks built at once since the replica started',
    () => gate.peakInFlight,
  );
  return gate;
}
