import { AdminState, type InstanceSpec, type RegisterRequest } from '@gateway/proto/registry';
import {
  checkInstanceSpec,
  FieldViolation,
  requireKnownEnum,
  type AdminStateName,
  type InstanceSpecData,
} from '@gateway/shared';

type Duration = { seconds: number; nanos: number };

const KNOWN_ADMIN_STATES = [
  AdminState.ADMIN_STATE_UNSPECIFIED,
  AdminState.ADMIN_STATE_ENABLED,
  AdminState.ADMIN_STATE_DRAINING,
];

/** Validates a RegisterRequest into a normalized spec and a lease within bounds. */
export function registerRequestToSpec(
  request: RegisterRequest,
  lease: { defaultMs: number; minMs: number; maxMs: number },
): { spec: InstanceSpecData; leaseMs: number } {
  if (!request.instance) throw new FieldViolation('instance', 'is required');
  const spec = instanceSpecFromProto(request.instance);
  const leaseMs =
    request.leaseDuration === undefined
      ? lease.defaultMs
      : durationToMs('lease_duration', request.leaseDuration);
  if (leaseMs < lease.minMs || leaseMs > lease.maxMs) {
    throw new FieldViolation(
      'lease_duration',
      `must be between ${lease.minMs / 1000}s and ${lease.maxMs / 1000}s (got ${leaseMs / 1000}s)`,
    );
  }
  return { spec, leaseMs };
}

function instanceSpecFromProto(instance: InstanceSpec): InstanceSpecData {
  requireKnownEnum('instance.admin_state', instance.adminState, KNOWN_ADMIN_STATES);
  const adminState: AdminStateName =
    instance.adminState === AdminState.ADMIN_STATE_DRAINING ? 'draining' : 'enabled';
  let failTimeoutSeconds: number | undefined;
  if (instance.failTimeout !== undefined) {
    const ms = durationToMs('instance.fail_timeout', instance.failTimeout);
    if (ms % 1000 !== 0)
      throw new FieldViolation('instance.fail_timeout', 'must be a whole number of seconds');
    failTimeoutSeconds = ms / 1000;
  }
  return checkInstanceSpec(
    {
      group: instance.group,
      host: instance.host,
      port: instance.port,
      weight: instance.weight,
      maxFails: instance.maxFails,
      failTimeoutSeconds,
      backup: instance.backup,
      adminState,
      metadata: instance.metadata,
    },
    'instance',
  );
}

function durationToMs(field: string, duration: Duration): number {
  if (
    !Number.isSafeInteger(duration.seconds) ||
    duration.seconds < 0 ||
    duration.nanos < 0 ||
    duration.nanos > 999_999_999
  ) {
    throw new FieldViolation(field, 'must be a non-negative duration');
  }
  if (duration.nanos % 1_000_000 !== 0)
    throw new FieldViolation(field, 'must be a whole number of milliseconds');
  return duration.seconds * 1000 + duration.nanos / 1_000_000;
}
