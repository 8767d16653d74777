import type { Redis } from 'ioredis';
import type { Instance } from '@gateway/proto/registry';
import {
  readInstancePage,
  RedisKeys,
  repeatedElementSize,
  type Logger,
  type QuarantineEntry,
} from '@gateway/shared';
import { instanceSizeBound } from './instance-size.js';
import { encodePageToken } from './page-token.js';
import { instanceToProto } from './response-mapping.js';

/** Room left in a ListInstances response for its other fields (token, revision, self-preservation). */
const PAGE_OVERHEAD_BYTES = 4096;
/** Instances per Redis read while filling a page. */
const READ_BATCH = 128;

export type ListPage = {
  readonly instances: Instance[];
  readonly nextPageToken: string;
  readonly revision: number;
  /** The store epoch the revision counts in. */
  readonly epoch: string;
};

/**
 * One ListInstances page: at most `pageSize` instances after the token's position, read
 * through the id index (O(page), whatever the number of instances), and ended early before
 * its encoded size would pass `maxMessageBytes`. Instances failing validation are skipped
 * (logged), never shown.
 */
export async function readListPage(
  redis: Redis,
  query: { group: string; after: string; pageSize: number; maxMessageBytes: number },
  quarantine: ReadonlyMap<string, QuarantineEntry>,
  logger: Logger,
): Promise<ListPage> {
  const { group, pageSize } = query;
  const epoch = (await redis.get(RedisKeys.instancesEpoch)) ?? '';
  const budget = query.maxMessageBytes - PAGE_OVERHEAD_BYTES;
  const instances: Instance[] = [];
  const invalid: Array<{ id: string; error: string }> = [];
  let bytes = 0;
  let revision: number | undefined;
  let after = query.after;
  let more = true;
  // Read in batches, so a page that fills its byte budget early reads little more than it returns.
  fill: while (more) {
    const batch = await readInstancePage(redis, {
      group,
      after,
      limit: Math.min(pageSize - instances.length + 1, READ_BATCH),
    });
    revision ??= batch.revision;
    more = !batch.exhausted;
    for (const entry of batch.entries) {
      if (entry.instance) {
        const proto = instanceToProto(entry.instance, quarantine.get(entry.id));
        const size = repeatedElementSize(instanceSizeBound(proto));
        if (instances.length === pageSize || bytes + size > budget) {
          more = true;
          break fill;
        }
        instances.push(proto);
        bytes += size;
      } else if (entry.error !== undefined) {
        invalid.push({ id: entry.id, error: entry.error });
      }
      after = entry.id;
    }
  }
  if (invalid.length > 0) logger.error({ invalid }, 'instances in Redis fail validation: hidden');
  return {
    instances,
    nextPageToken: more ? encodePageToken({ after, group }) : '',
    revision: revision ?? 0,
    epoch,
  };
}
