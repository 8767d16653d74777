import type { Redis } from 'ioredis';
import {
  canonicalSpecJson,
  checkInstanceSpec,
  epochSeed,
  instanceId,
  RedisChannels,
  registerInstanceKeys,
  registerInstanceScript,
  specFingerprint,
  type InstanceSpecData,
} from '@gateway/shared';

/** Groups the bench spreads instances over (one upstream each in the render). */
export const FLEET_GROUPS = 50;

/** The group of fleet instance `i` (instances i, i + 50, … share one). */
export function fleetGroup(i: number, prefix = 'svc'): string {
  return `${prefix}-${String(i % FLEET_GROUPS).padStart(2, '0')}`;
}

/** Instance `i` of a fleet: a distinct host, one of GROUPS groups, four metadata entries. */
export function fleetSpec(i: number, prefix = 'svc'): InstanceSpecData {
  return checkInstanceSpec(
    {
      group: fleetGroup(i, prefix),
      host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      port: 8080,
      weight: 1 + (i % 3),
      backup: false,
      adminState: 'enabled',
      metadata: {
        zone: `zone-${i % 3}`,
        version: `1.${i % 20}.0`,
        team: `team-${i % 7}`,
        build: `build-${(i * 2654435761) % 100000}`,
      },
    },
    'bench',
  );
}

/** Register's request for fleet instance `i` (the API's form of fleetSpec). */
export function fleetRegisterRequest(i: number) {
  const spec = fleetSpec(i);
  return {
    instance: {
      group: spec.group,
      host: spec.host,
      port: spec.port,
      weight: spec.weight,
      backup: spec.backup,
      failTimeout: undefined,
      adminState: 0,
      metadata: spec.metadata,
    },
  };
}

/** The token name the set-up writes record as the instances' owner. */
const SETUP_OWNER = 'bench-setup';

/**
 * Writes instances [from, to) straight through the registry's own Lua script
 * (register-instance), `batch` calls in flight at once (pipelined on one connection):
 * setup for the scale benchmarks, tens of times faster than Register over gRPC. The
 * stored entries, the id indexes, the revision and the change messages are exactly what
 * Register writes. Leases last `leaseMs` so nothing expires while the benchmark reads.
 */
export async function writeInstancesDirect(
  redis: Redis,
  from: number,
  to: number,
  options: { leaseMs?: number; batch?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const leaseMs = options.leaseMs ?? 3_600_000;
  const batch = options.batch ?? 500;
  for (let start = from; start < to; start += batch) {
    options.signal?.throwIfAborted();
    const calls: Array<Promise<unknown>> = [];
    for (let i = start; i < Math.min(to, start + batch); i++) {
      const spec = fleetSpec(i);
      const json = canonicalSpecJson(spec);
      calls.push(
        registerInstanceScript.run(redis, registerInstanceKeys(spec.group, SETUP_OWNER), [
          instanceId(spec),
          json,
          specFingerprint(json),
          leaseMs,
          RedisChannels.instanceChanges,
          epochSeed(),
          SETUP_OWNER,
          1, // may act on any instance, as an admin token may
          0, // no quota
        ]),
      );
    }
    await Promise.all(calls);
  }
}
