import {
  AdminState,
  type Instance,
  type InstanceQuarantine,
  type SelfPreservation,
} from '@gateway/proto/registry';
import type { LeasedInstance, QuarantineEntry, StoredInstance } from '@gateway/shared';
import type { SelfPreservationState } from '../eviction/self-preservation-state.js';

export function durationFromMs(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/**
 * A stored instance as the API shows it, with its quarantine when config-push leaves it
 * out of the Nginx config. `leaseExpireTime` is absent in change events.
 */
export function instanceToProto(
  instance: StoredInstance | LeasedInstance,
  quarantine?: QuarantineEntry,
): Instance {
  const { spec } = instance;
  return {
    id: instance.id,
    spec: {
      group: spec.group,
      host: spec.host,
      port: spec.port,
      weight: spec.weight,
      maxFails: spec.maxFails,
      failTimeout:
        spec.failTimeoutSeconds === undefined
          ? undefined
          : { seconds: spec.failTimeoutSeconds, nanos: 0 },
      backup: spec.backup,
      adminState:
        spec.adminState === 'draining'
          ? AdminState.ADMIN_STATE_DRAINING
          : AdminState.ADMIN_STATE_ENABLED,
      metadata: { ...spec.metadata },
    },
    registerTime: new Date(instance.registerTime),
    ownerToken: instance.owner ?? '',
    leaseExpireTime: 'leaseExpireTime' in instance ? new Date(instance.leaseExpireTime) : undefined,
    leaseDuration: durationFromMs(instance.leaseMs),
    revision: instance.revision,
    quarantine: quarantine ? quarantineToProto(quarantine) : undefined,
  };
}

function quarantineToProto(entry: QuarantineEntry): InstanceQuarantine {
  return {
    reason: entry.reason,
    nodeIp: entry.node,
    quarantineTime: new Date(entry.since),
    nextCheckTime: new Date(entry.nextCheckAt),
    failedChecks: entry.checks,
  };
}

export function selfPreservationToProto(
  state: SelfPreservationState | undefined,
  maxShare: number,
  windowMs: number,
): SelfPreservation {
  if (!state)
    return { active: false, expiredCount: 0, totalCount: 0, decideTime: undefined, reason: '' };
  return {
    active: true,
    expiredCount: state.expiredCount,
    totalCount: state.totalCount,
    decideTime: new Date(state.decideTime),
    reason:
      `${state.expiredCount} of ${state.totalCount} leases expired and ${state.recentlyEvicted} instances were evicted ` +
      `in the last ${windowMs / 1000} s: more than ${Math.round(maxShare * 100)}% at once, evicting nothing until heartbeats return`,
  };
}
