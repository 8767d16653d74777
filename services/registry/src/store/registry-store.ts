import type { Redis } from 'ioredis';
import {
  canonicalSpecJson,
  deregisterInstanceScript,
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
} from '@gateway/shared';

export type RegisterOutcome = 'registered' | 'updated' | 'unchanged';

export type RegisterResult = {
  readonly outcome: RegisterOutcome;
  readonly instance: LeasedInstance;
  /** The registry revision after the call. */
  readonly revision: number;
};

export type HeartbeatResult =
  | { readonly found: true; readonly leaseExpireTime: number; readonly leaseMs: number }
  | { readonly found: false; readonly reason: 'unknown' | 'expired' };

const OUTCOMES: Record<number, RegisterOutcome> = { 0: 'unchanged', 1: 'registered', 2: 'updated' };

/** The registry's writes to Redis: each one a single Lua script, so each is atomic. */
export type RegistryStore = {
  register(spec: InstanceSpecData, leaseMs: number): Promise<RegisterResult>;
  heartbeat(id: string): Promise<HeartbeatResult>;
  /** The revision of the removal, or undefined when the instance did not exist. */
  deregister(id: string): Promise<number | undefined>;
};

export function RegistryStore(redis: Redis): RegistryStore {
  return {
    async register(spec, leaseMs) {
      const id = instanceId(spec);
      const specJson = canonicalSpecJson(spec);
      const reply = (await registerInstanceScript.run(redis, registerInstanceKeys(spec.group), [
        id,
        specJson,
        specFingerprint(specJson),
        leaseMs,
        RedisChannels.instanceChanges,
      ])) as [number, string, number, number];
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
      return { outcome: OUTCOMES[reply[0]], instance, revision: reply[2] };
    },

    async heartbeat(id) {
      const reply = (await heartbeatInstanceScript.run(
        redis,
        [RedisKeys.instances, RedisKeys.instanceLeases],
        [id],
      )) as number[];
      if (reply[0] === -1) return { found: false, reason: 'unknown' };
      if (reply[0] === -2) return { found: false, reason: 'expired' };
      return { found: true, leaseExpireTime: reply[0], leaseMs: reply[1] };
    },

    async deregister(id) {
      const revision = (await deregisterInstanceScript.run(
        redis,
        [
          RedisKeys.instances,
          RedisKeys.instanceLeases,
          RedisKeys.instancesRevision,
          RedisKeys.instanceIndex,
          // The id was checked by parseInstanceId: its group is what comes before the first '/'.
          RedisKeys.instanceGroupIndex(id.slice(0, id.indexOf('/'))),
        ],
        [id, RedisChannels.instanceChanges],
      )) as number;
      return revision < 0 ? undefined : revision;
    },
  };
}
