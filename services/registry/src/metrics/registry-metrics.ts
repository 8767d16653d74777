import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import {
  cachedRead,
  readBackedGauges,
  readRegistryGaugesScript,
  RedisKeys,
  type Telemetry,
} from '@gateway/shared';
import type { EvictionRound } from '../eviction/evictor.js';

/** Leases lapsing within this window count as expiring: their heartbeats are late. */
export const EXPIRING_WINDOW_MS = 5_000;
/** At most this many groups are reported (cardinality bound); more set the truncated gauge. */
export const MAX_REPORTED_GROUPS = 500;

export type RegistryGauges = {
  readonly total: number;
  readonly lapsed: number;
  readonly expiring: number;
  readonly preserving: boolean;
  readonly truncated: boolean;
  readonly groups: ReadonlyMap<string, number>;
};

/** The reply of readRegistryGaugesScript as figures. */
export function parseRegistryGauges(reply: ReadonlyArray<number | string>): RegistryGauges {
  const groups = new Map<string, number>();
  for (let i = 5; i + 1 < reply.length; i += 2) groups.set(String(reply[i]), Number(reply[i + 1]));
  return {
    total: Number(reply[0]),
    lapsed: Number(reply[1]),
    expiring: Number(reply[2]),
    preserving: Number(reply[3]) === 1,
    truncated: Number(reply[4]) === 1,
    groups,
  };
}

/**
 * The registry's own series. Instances per group, lapsed and expiring leases and the
 * self-preservation state are read from Redis at scrape time in one script (shared by
 * every replica: aggregate with max); evictions are counted by the replica that made them.
 */
export function RegistryMetrics(telemetry: Telemetry, redis: Redis) {
  const registers = [telemetry.registry];
  const read = cachedRead(
    async () =>
      parseRegistryGauges(
        (await readRegistryGaugesScript.run(
          redis,
          [RedisKeys.instanceIndex, RedisKeys.instanceLeases, RedisKeys.instancesSelfPreservation],
          [RedisKeys.instanceGroupIndexPrefix, EXPIRING_WINDOW_MS, MAX_REPORTED_GROUPS],
        )) as Array<number | string>,
      ),
    { ttlMs: 100, timeoutMs: 2_000, onError: telemetry.collectFailed('registry') },
  );
  const fromRedis = readBackedGauges(read, registers);
  fromRedis(
    'gateway_registry_instances',
    'Registered instances per group',
    (gauge, figures) => {
      for (const [group, count] of figures.groups) gauge.set({ group }, count);
    },
    ['group'],
  );
  fromRedis('gateway_registry_instances_registered', 'Registered instances, all groups', (g, f) =>
    g.set(f.total),
  );
  fromRedis(
    'gateway_registry_groups_truncated',
    `1 when more than ${MAX_REPORTED_GROUPS} groups exist and only the first are reported`,
    (gauge, figures) => gauge.set(figures.truncated ? 1 : 0),
  );
  fromRedis(
    'gateway_registry_leases_lapsed',
    'Instances whose lease has lapsed and that are not evicted yet',
    (gauge, figures) => gauge.set(figures.lapsed),
  );
  fromRedis(
    'gateway_registry_leases_expiring',
    `Instances whose lease lapses within ${EXPIRING_WINDOW_MS / 1000} s (late heartbeats)`,
    (gauge, figures) => gauge.set(figures.expiring),
  );
  fromRedis(
    'gateway_registry_self_preservation',
    '1 while self-preservation holds evictions back (too many leases lapsed at once)',
    (gauge, figures) => gauge.set(figures.preserving ? 1 : 0),
  );
  const evictions = new Counter({
    name: 'gateway_registry_evictions_total',
    help: 'Instances evicted by this replica because their lease lapsed',
    registers,
  });
  const heldBack = new Counter({
    name: 'gateway_registry_self_preservation_rounds_total',
    help: 'Eviction rounds of this replica that self-preservation held back',
    registers,
  });
  return {
    /** Give to the Evictor. */
    onEvictionRound: (round: EvictionRound) => {
      if (round.preserving) heldBack.inc();
      evictions.inc(round.evicted.length);
    },
  };
}
