import { AdminState, type Instance, type SelfPreservation } from '@gateway/proto/registry';
import type { LeasedInstance, StoredInstance } from '@gateway/shared';
import type { SelfPreservationState } from '../eviction/self-preservation-state.js';

export function durationFromMs(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/** A stored instance as the API shows it. `leaseExpireTime` is absent in change events. */
export function instanceToProto(instance: StoredInstance | LeasedInstance): Instance {
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
    leaseExpireTime: 'leaseExpireTime' in instance ? new Date(instance.leaseExpireTime) : undefined,
    leaseDuration: durationFromMs(instance.leaseMs),
    revision: instance.revision,
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
