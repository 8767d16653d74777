import type { Redis } from 'ioredis';
import { RedisKeys } from '../redis/keys.js';
import { readInstancePageScript } from '../redis/scripts/read-instance-page.js';
import { decodeStoredInstance } from './decode-stored-instance.js';
import type { LeasedInstance } from './instance.js';

/** One id of a page: the instance, or why it is left out (fails validation, or gone meanwhile). */
export type InstancePageEntry =
  | { readonly id: string; readonly instance: LeasedInstance }
  | { readonly id: string; readonly instance?: undefined; readonly error: string | undefined };

export type InstancePage = {
  /** The registry revision the page was read at. */
  readonly revision: number;
  /** In id order; `error` is undefined for an id the index holds but the hash no longer does. */
  readonly entries: readonly InstancePageEntry[];
  /** True when fewer ids than asked followed the position: nothing comes after this page. */
  readonly exhausted: boolean;
};

export type InstancePageQuery = {
  /** Only this group; '' for every group. */
  readonly group: string;
  /** Start after this id; '' for the first. */
  readonly after: string;
  readonly limit: number;
  /** False to leave each instance's metadata out (renderers never use it): less memory. */
  readonly metadata?: boolean;
};

/**
 * Reads `limit` instances in id order after a position, through the id index (all instances
 * or one group's), with their leases and the revision, in one atomic script: the read costs
 * what it returns, however many instances there are. Each value is validated again.
 */
export async function readInstancePage(
  redis: Redis,
  query: InstancePageQuery,
): Promise<InstancePage> {
  const index =
    query.group === '' ? RedisKeys.instanceIndex : RedisKeys.instanceGroupIndex(query.group);
  const reply = (await readInstancePageScript.run(
    redis,
    [index, RedisKeys.instances, RedisKeys.instanceLeases, RedisKeys.instancesRevision],
    [query.after, query.limit],
  )) as Array<string | null>;
  const entries: InstancePageEntry[] = [];
  for (let i = 1; i + 2 < reply.length; i += 3) {
    const id = String(reply[i]);
    const json = reply[i + 1];
    if (json === null) {
      entries.push({ id, error: undefined });
      continue;
    }
    try {
      const stored = decodeStoredInstance(id, json);
      const instance: LeasedInstance = {
        ...(query.metadata === false
          ? { ...stored, spec: { ...stored.spec, metadata: {} } }
          : stored),
        leaseExpireTime: Number(reply[i + 2] ?? 0),
      };
      entries.push({ id, instance });
    } catch (error) {
      entries.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return {
    revision: Number(reply[0] ?? 0),
    entries,
    exhausted: entries.length < query.limit,
  };
}
