import type { Redis } from 'ioredis';
import { readInstancePage, type InstancePage } from './read-instance-page.js';

/** Instances per Redis read: about 1.5 MB at the largest metadata the registry accepts. */
export const SCAN_BATCH = 250;

/**
 * Every instance (of one group, or all), page by page in id order, so a caller holds one
 * page at a time. Each page is atomic on its own; the pages together are read while changes
 * go on, so an instance changed meanwhile shows its state at its page's revision. Pages that
 * bring nothing valid are still yielded (their entries tell why).
 */
export async function* scanInstances(
  redis: Redis,
  options: { group: string; metadata?: boolean; batchSize?: number },
): AsyncGenerator<InstancePage, void, undefined> {
  let after = '';
  for (;;) {
    const page = await readInstancePage(redis, {
      group: options.group,
      after,
      limit: options.batchSize ?? SCAN_BATCH,
      metadata: options.metadata,
    });
    yield page;
    const last = page.entries.at(-1);
    if (page.exhausted || last === undefined) return;
    after = last.id;
  }
}
