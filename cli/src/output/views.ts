import { adminStateToJSON, type Instance } from '@gateway/proto/registry';
import { type Node, type ProbeResult, Status } from '@gateway/proto/health';
import { pushOutcomeToJSON, type NodePushResult } from '@gateway/proto/configpush';
import { durationMs, isoTime } from './time.js';

/** The plain shapes `--json` prints (stable field names, times as ISO 8601, durations in ms). */
export type NodeView = {
  ip: string;
  label: string;
  status: 'UP' | 'DOWN' | 'UNKNOWN';
  stale: boolean;
  since: string | undefined;
  reason: string;
  lastProbeTime: string | undefined;
  lastProbeLatencyMs: number | undefined;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastReporter: string;
  healthUrl: string;
  configPath: string;
  ssh: { host: string; port: number; user: string; hostKey: string } | undefined;
  /** The VRRP state the node last reported in a healthy probe (undefined: none reported). */
  vrrp: { state: string; instance: string; since: string | undefined } | undefined;
};

export function statusName(status: Status): NodeView['status'] {
  return status === Status.STATUS_UP ? 'UP' : status === Status.STATUS_DOWN ? 'DOWN' : 'UNKNOWN';
}

export function nodeView(node: Node): NodeView {
  const spec = node.spec;
  const health = node.health;
  return {
    ip: spec?.ip ?? '',
    label: spec?.label ?? '',
    status: statusName(health?.status ?? Status.STATUS_UNSPECIFIED),
    stale: health?.stale ?? false,
    since: isoTime(health?.lastChangeTime),
    reason: health?.reason ?? '',
    lastProbeTime: isoTime(health?.lastProbeTime),
    lastProbeLatencyMs: durationMs(health?.lastProbeLatency),
    consecutiveFailures: health?.consecutiveFailures ?? 0,
    consecutiveSuccesses: health?.consecutiveSuccesses ?? 0,
    lastReporter: health?.lastReporter ?? '',
    healthUrl: spec?.healthUrl ?? '',
    configPath: spec?.configPath ?? '',
    ssh: spec?.ssh
      ? { host: spec.ssh.host, port: spec.ssh.port, user: spec.ssh.user, hostKey: spec.ssh.hostKey }
      : undefined,
    vrrp: health?.vrrpState
      ? {
          state: health.vrrpState,
          instance: health.vrrpInstance,
          since: isoTime(health.vrrpChangeTime),
        }
      : undefined,
  };
}

export type InstanceView = {
  id: string;
  group: string;
  host: string;
  port: number;
  weight: number;
  maxFails: number | undefined;
  failTimeoutMs: number | undefined;
  backup: boolean;
  adminState: string;
  metadata: Record<string, string>;
  registerTime: string | undefined;
  leaseExpireTime: string | undefined;
  leaseMs: number | undefined;
  revision: number;
};

export function instanceView(instance: Instance): InstanceView {
  const spec = instance.spec;
  return {
    id: instance.id,
    group: spec?.group ?? '',
    host: spec?.host ?? '',
    port: spec?.port ?? 0,
    weight: spec?.weight ?? 0,
    maxFails: spec?.maxFails,
    failTimeoutMs: durationMs(spec?.failTimeout),
    backup: spec?.backup ?? false,
    adminState: adminStateToJSON(spec?.adminState ?? 0).replace(/^ADMIN_STATE_/, ''),
    metadata: spec?.metadata ?? {},
    registerTime: isoTime(instance.registerTime),
    leaseExpireTime: isoTime(instance.leaseExpireTime),
    leaseMs: durationMs(instance.leaseDuration),
    revision: instance.revision,
  };
}

export type PushResultView = {
  nodeIp: string;
  outcome: string;
  revision: number;
  contentHash: string;
  error: string;
  finishTime: string | undefined;
};

export function pushResultView(result: NodePushResult): PushResultView {
  return {
    nodeIp: result.nodeIp,
    outcome: pushOutcomeToJSON(result.outcome).replace(/^PUSH_OUTCOME_/, ''),
    revision: result.revision,
    contentHash: result.contentHash,
    error: result.error,
    finishTime: isoTime(result.finishTime),
  };
}

export type ProbeView = {
  ip: string;
  healthy: boolean;
  status: string;
  latencyMs: number | undefined;
  error: string;
};

export function probeView(result: ProbeResult): ProbeView {
  return {
    ip: result.ip,
    healthy: result.healthy,
    status: statusName(result.status),
    latencyMs: durationMs(result.latency),
    error: result.error,
  };
}
