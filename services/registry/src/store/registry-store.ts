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
  | { readonly found: false; readonly reason: 'unknown' | 'expired' };

const OUTCOMES: Record<number, RegisterOutcome> = { 0: 'unchanged', 1: 'registered', 2: 'updated' };

/**
 * The registry's writes to Redis: each one a single Lua script, so each is atomic.
 * Register and Deregister answer only once the write is acknowledged (see
 * acknowledgedWrite): they run on `durable`, a connection of their own when WAIT is
 * on. Heartbeats are not waited for: a heartbeat lost in a failover costs nothing
 * while the evictor's grace after a switch lasts.
 */
export type RegistryStore = {
  register(spec: InstanceSpecData, leaseMs: number): Promise<RegisterResult>;
  heartbeat(id: string): Promise<HeartbeatResult>;
  /** The revision of the removal, or undefined when the instance did not exist. */
  deregister(id: string): Promise<number | undefined>;
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
    async register(spec, leaseMs) {
      const id = instanceId(spec);
      const specJson = canonicalSpecJson(spec);
      const reply = (await acknowledged((connection) =>
        registerInstanceScript.run(connection, registerInstanceKeys(spec.group), [
          id,
          specJson,
          specFingerprint(specJson),
          leaseMs,
          RedisChannels.instanceChanges,
          epochSeed(),
        ]),
      )) as [number, string, number, number, string];
      // The spec was validated just now: take only what the script decided from its reply.
      const written = JSON.parse(reply[1]) as Pick<
        StoredInstance,
        'revision' | 'registerTime' | 'leaseMs' | 'fingerprint'
      >;
      const instance: LeasedInstance = {
        id,
        spec,
        revision: written.revision,
        registerTime: written.registerTime,
        leaseMs: written.leaseMs,
        fingerprint: written.fingerprint,
        leaseExpireTime: reply[3],
      };
      return { outcome: OUTCOMES[reply[0]], instance, revision: reply[2], epoch: reply[4] };
    },

    async heartbeat(id) {
      const reply = (await heartbeatInstanceScript.run(
        redis,
        [RedisKeys.instances, RedisKeys.instanceLeases, RedisKeys.instancesEvictionGrace],
        [id],
      )) as number[];
      if (reply[0] === -1) return { found: false, reason: 'unknown' };
      if (reply[0] === -2) return { found: false, reason: 'expired' };
      return { found: true, leaseExpireTime: reply[0], leaseMs: reply[1] };
    },

    async deregister(id) {
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
          [id, RedisChannels.instanceChanges, epochSeed()],
        ),
      )) as number;
      return revision < 0 ? undefined : revision;
    },
  };
}
