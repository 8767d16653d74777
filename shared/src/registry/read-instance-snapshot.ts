import type { Redis } from 'ioredis';
import { RedisKeys } from '../redis/keys.js';
import type { LeasedInstance } from './instance.js';
import { scanInstances } from './scan-instances.js';

export type InstanceSnapshot = {
  /** The store epoch the revision counts in ('' while the dataset has none: nothing written yet). */
  readonly epoch: string;
  /**
   * The registry revision when the read began: the instances hold every change up to it
   * (and maybe some later ones, read meanwhile: a later change always bumps the revision
   * past this one, so whoever acts on revisions reads again).
   */
  readonly revision: number;
  /** Sorted by id. */
  readonly instances: readonly LeasedInstance[];
  /** Fields of the hash that failed validation: skipped, never rendered. */
  readonly invalid: ReadonlyArray<{ id: string; error: string }>;
};

/**
 * Reads every instance with its lease, page by page through the id index (each page
 * costs what it returns; no single reply holds the whole hash). `metadata: false` leaves
 * the metadata out, for renderers: at 50,000 instances with full metadata that is most
 * of the bytes. The epoch is read first: a data loss during the read shows as an epoch
 * that no longer matches at the next revision poll, which resynchronizes the reader.
 */
export async function readInstanceSnapshot(
  redis: Redis,
  options: { metadata?: boolean } = {},
): Promise<InstanceSnapshot> {
  const epoch = (await redis.get(RedisKeys.instancesEpoch)) ?? '';
  let revision: number | undefined;
  const instances: LeasedInstance[] = [];
  const invalid: Array<{ id: string; error: string }> = [];
  for await (const page of scanInstances(redis, { group: '', metadata: options.metadata })) {
    revision ??= page.revision;
    for (const entry of page.entries) {
      if (entry.instance) instances.push(entry.instance);
      else if (entry.error !== undefined) invalid.push({ id: entry.id, error: entry.error });
    }
  }
  return { epoch, revision: revision ?? 0, instances, invalid };
}
