import type { Redis } from 'ioredis';
import { Instance } from '@gateway/proto/registry';
import { readInstancePage, repeatedElementSize, type Logger } from '@gateway/shared';
import { encodePageToken } from './page-token.js';
import { instanceToProto } from './response-mapping.js';

/** Room left in a ListInstances response for its other fields (token, revision, self-preservation). */
const PAGE_OVERHEAD_BYTES = 4096;

export type ListPage = {
  readonly instances: Instance[];
  readonly nextPageToken: string;
  readonly revision: number;
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
  logger: Logger,
): Promise<ListPage> {
  const { group, pageSize } = query;
  const page = await readInstancePage(redis, { group, after: query.after, limit: pageSize + 1 });
  const budget = query.maxMessageBytes - PAGE_OVERHEAD_BYTES;
  const instances: Instance[] = [];
  let bytes = 0;
  let consumed: string | undefined;
  let more = !page.exhausted;
  const invalid: Array<{ id: string; error: string }> = [];
  for (const entry of page.entries) {
    if (entry.instance) {
      const proto = instanceToProto(entry.instance);
      const size = repeatedElementSize(Instance.encode(proto).finish().length);
      if (instances.length === pageSize || bytes + size > budget) {
        more = true;
        break;
      }
      instances.push(proto);
      bytes += size;
    } else if (entry.error !== undefined) {
      invalid.push({ id: entry.id, error: entry.error });
    }
    consumed = entry.id;
  }
  if (invalid.length > 0) logger.error({ invalid }, 'instances in Redis fail validation: hidden');
  return {
    instances,
    nextPageToken:
      more && consumed !== undefined ? encodePageToken({ after: consumed, group }) : '',
    revision: page.revision,
  };
}
