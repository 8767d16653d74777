import type { Redis } from 'ioredis';
import {
  acknowledgedWrite,
  canonicalSpecJson,
  deregisterInstanceScript,
  epochSeed,
  heartbeatInstanceScript,
  RedisChannels,
  RedisKeys,
  registerInstanceKeys,
  registerInstanceScript,
  specFingerprint,
  instanceId,
  type InstanceSpecData,
  type LeasedInstance,
  type StoredInstance,
  type WriteAcknowledgement,
} from '@gateway/shared';

export type RegisterOutcome = 'registered' | 'updated' | 'unchanged';

export type RegisterResult = {
  readonly outcome: RegisterOutcome;
  readonly instance: LeasedInstance;
  /** The registry revision after the call. */
  readonly revision: number;
  /** The store epoch the revision counts in. */
  readonly epoch: string;
};

export type HeartbeatResult =
  | { readonly found: true; readonly leaseExpireTime: number; readonly leaseMs: number }
  | { readonly found: false; readonly reason: 'unknown' | 'expired' | 'not-owner' };

/** Who writes: the token's name (the owner of what it registers), and what it may do. */
export type StoreCaller = {
  readonly name: string;
  /** An admin may heartbeat, update and deregister any instance (the owner stays). */
  readonly mayActOnAny: boolean;
  /** The most instances it may own; undefined: no cap. */
  readonly quota?: number;
};

/** A register the store refused, writing nothing. */
export type RegisterRefusal =
  { readonly refused: 'not-owner' } | { readonly refused: 'quota'; readonly owned: number };

const OUTCOMES: Record<number, RegisterOutcome> = { 0: 'unchanged', 1: 'registered', 2: 'updated' };

/**
 * The registry's writes to Redis: each one a single Lua script, so each is atomic.
 * Register and Deregister answer only once the write is acknowledged (see
 * acknowledgedWrite): they run on `durable`, a connection of their own when WAIT is
 * on. Heartbeats are not waited for: a heartbeat lost in a failover costs nothing
 * while the evictor's grace after a switch lasts.
 */
export type RegistryStore = {
  register(
    spec: InstanceSpecData,
    leaseMs: number,
    caller: StoreCaller,
  ): Promise<RegisterResult | RegisterRefusal>;
  heartbeat(id: string, caller: StoreCaller): Promise<HeartbeatResult>;
  /**
   * The revision of the removal, undefined when the instance did not exist, or
   * 'not-owner' (nothing removed) when another token owns it.
   */
  deregister(id: string, caller: StoreCaller): Promise<number | undefined | 'not-owner'>;
};

export function RegistryStore(
  redis: Redis,
  durable: { redis: Redis; acknowledgement: WriteAcknowledgement } = {
    redis,
    acknowledgement: { replicas: 0, timeoutMs: 0 },
  },
): RegistryStore {
  const acknowledged = <T>(write: (connection: Redis) => Promise<T>) =>
    acknowledgedWrite(durable.redis, durable.acknowledgement, () => write(durable.redis));
  return {
    async register(spec, leaseMs, caller) {
      const id = instanceId(spec);
      const specJson = canonicalSpecJson(spec);
      const reply = (await acknowledged((connection) =>
        registerInstanceScript.run(connection, registerInstanceKeys(spec.group, caller.name), [
          id,
          specJson,
          specFingerprint(specJson),
          leaseMs,
          RedisChannels.instanceChanges,
          epochSeed(),
          caller.name,
          caller.mayActOnAny ? 1 : 0,
          caller.quota ?? 0,
        ]),
      )) as [number, string, number, number, string];
      if (reply[0] === -1) return { refused: 'not-owner' };
      if (reply[0] === -2) return { refused: 'quota', owned: Number(reply[1]) };
      // The spec was validated just now: take only what the script decided from its reply.
      const written = JSON.parse(reply[1]) as Pick<
        StoredInstance,
        'revision' | 'registerTime' | 'leaseMs' | 'fingerprint' | 'owner'
      >;
      const instance: LeasedInstance = {
        id,
        spec,
        revision: written.revision,
        registerTime: written.registerTime,
        leaseMs: written.leaseMs,
        fingerprint: written.fingerprint,
        ...(written.owner !== undefined ? { owner: written.owner } : {}),
        leaseExpireTime: reply[3],
      };
      return { outcome: OUTCOMES[reply[0]], instance, revision: reply[2], epoch: reply[4] };
    },

    async heartbeat(id, caller) {
      const reply = (await heartbeatInstanceScript.run(
        redis,
        [RedisKeys.instances, RedisKeys.instanceLeases, RedisKeys.instancesEvictionGrace],
        [id, caller.name, caller.mayActOnAny ? 1 : 0],
      )) as number[];
      if (reply[0] === -1) return { found: false, reason: 'unknown' };
      if (reply[0] === -2) return { found: false, reason: 'expired' };
      if (reply[0] === -3) return { found: false, reason: 'not-owner' };
      return { found: true, leaseExpireTime: reply[0], leaseMs: reply[1] };
    },

    async deregister(id, caller) {
      const revision = (await acknowledged((connection) =>
        deregisterInstanceScript.run(
          connection,
          [
            RedisKeys.instances,
            RedisKeys.instanceLeases,
            RedisKeys.instancesRevision,
            RedisKeys.instancesEpoch,
            RedisKeys.instanceIndex,
            // The id was checked by parseInstanceId: its group is what comes before the first '/'.
            RedisKeys.instanceGroupIndex(id.slice(0, id.indexOf('/'))),
          ],
          [
            id,
            RedisChannels.instanceChanges,
            epochSeed(),
            RedisKeys.instanceOwnerIndexPrefix,
            caller.name,
            caller.mayActOnAny ? 1 : 0,
          ],
        ),
      )) as number;
      if (revision === -2) return 'not-owner';
      return revision < 0 ? undefined : revision;
    },
  };
}
