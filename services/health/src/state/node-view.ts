import type { HealthStatusName, NodeSpecData } from '@gateway/shared';

/** A node's health as stored: the status key plus its companion detail hash. */
export type NodeHealthView = {
  /** undefined until the node's first probe decided it. */
  readonly status: HealthStatusName | undefined;
  /** True when never probed, not probed for longer than the stale threshold, or unconfirmed. */
  readonly stale: boolean;
  /** Why the status is kept unconfirmed ('' when it is not): see mark-health-unconfirmed. */
  readonly staleReason: string;
  readonly lastProbeTime: number | undefined;
  readonly lastProbeLatencyMs: number | undefined;
  readonly lastChangeTime: number | undefined;
  readonly reason: string;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  readonly lastReporter: string;
  /** The VRRP state the node last reported in a healthy probe ('' = none). */
  readonly vrrpState: string;
  readonly vrrpInstance: string;
  readonly vrrpChangeTime: number | undefined;
};

export type NodeView = {
  readonly spec: NodeSpecData;
  readonly health: NodeHealthView;
};
