import { addressKey, type MasterAddress } from './sentinel-event.js';

/**
 * What the client has heard of master switches, as an ioredis `natMap`: a Sentinel
 * that has not yet learnt of a switch still names the old master, and without this
 * the client would reconnect to it (still a master, accepting writes, until Sentinel
 * converts it). Every address Sentinel switched away from maps to the latest master.
 */
export type MasterRedirect = {
  /** The master the last `+switch-master` named, if any. */
  readonly current: MasterAddress | undefined;
  switched(from: MasterAddress, to: MasterAddress): void;
  /** ioredis natMap: the address to connect to instead of `key` (`host:port`), or null. */
  resolve(key: string): MasterAddress | null;
};

export function MasterRedirect(): MasterRedirect {
  const replaced = new Map<string, MasterAddress>();
  let current: MasterAddress | undefined;
  return {
    get current() {
      return current;
    },
    switched(from, to) {
      current = to;
      replaced.delete(addressKey(to));
      replaced.set(addressKey(from), to);
      for (const key of replaced.keys()) replaced.set(key, to);
    },
    resolve(key) {
      const to = replaced.get(key);
      return to ? { host: to.host, port: to.port } : null;
    },
  };
}
