import { Status, type Node } from '@gateway/proto/health';
import type { HealthStatusName } from '@gateway/shared';
import type { NodeView } from '../state/node-view.js';

export function durationFromMs(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export function statusToProto(status: HealthStatusName | undefined): Status {
  if (status === 'UP') return Status.STATUS_UP;
  if (status === 'DOWN') return Status.STATUS_DOWN;
  return Status.STATUS_UNSPECIFIED;
}

/** A node with its health as the API shows it. */
export function nodeToProto(view: NodeView): Node {
  const { spec, health } = view;
  return {
    spec: {
      ip: spec.ip,
      healthUrl: spec.healthUrl,
      ssh: {
        host: spec.ssh.host,
        port: spec.ssh.port,
        user: spec.ssh.user,
        hostKey: spec.ssh.hostKey ?? '',
      },
      configPath: spec.configPath,
      label: spec.label,
    },
    health: {
      status: statusToProto(health.status),
      stale: health.stale,
      staleReason: health.staleReason,
      lastProbeTime:
        health.lastProbeTime === undefined ? undefined : new Date(health.lastProbeTime),
      lastProbeLatency:
        health.lastProbeLatencyMs === undefined
          ? undefined
          : durationFromMs(health.lastProbeLatencyMs),
      lastChangeTime:
        health.lastChangeTime === undefined ? undefined : new Date(health.lastChangeTime),
      reason: health.reason,
      consecutiveFailures: health.consecutiveFailures,
      consecutiveSuccesses: health.consecutiveSuccesses,
      lastReporter: health.lastReporter,
      vrrpState: health.vrrpState,
      vrrpInstance: health.vrrpInstance,
      vrrpChangeTime:
        health.vrrpChangeTime === undefined ? undefined : new Date(health.vrrpChangeTime),
    },
  };
}
