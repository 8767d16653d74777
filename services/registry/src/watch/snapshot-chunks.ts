import type { Redis } from 'ioredis';
import { ServerError, Status } from 'nice-grpc';
import type { Instance, WatchInstancesResponse } from '@gateway/proto/registry';
import {
  readQuarantine,
  RedisKeys,
  repeatedElementSize,
  scanInstances,
  SizeBoundedChunker,
  type Logger,
  type QuarantineEntry,
} from '@gateway/shared';
import { instanceSizeBound } from '../api/instance-size.js';
import { instanceToProto } from '../api/response-mapping.js';

/** Room left in a WatchInstancesResponse for the revision, the oneof wrapper and `more`. */
const MESSAGE_OVERHEAD_BYTES = 64;

/**
 * A WatchInstances snapshot as messages of at most `maxMessageBytes` encoded, read page by
 * page through the id index: the stream holds one page and one message at a time, never
 * every instance. Every chunk carries the revision read with the first page; every chunk
 * but the last has `more`. The pages are read while changes go on: the changes after that
 * revision, which the watch sends next, make the client's view exact.
 *
 * The store epoch and the quarantine are read before the first page and handed to the
 * stream (`onStart`), which follows changes from there.
 *
 * Without `chunked` (a client that predates chunks) the snapshot is one message, as before;
 * when it would not fit, the stream ends with FAILED_PRECONDITION rather than send a message
 * the client's default limit refuses.
 */
export async function* snapshotChunks(options: {
  redis: Redis;
  group: string;
  chunked: boolean;
  maxMessageBytes: number;
  logger: Logger;
  onStart: (start: {
    revision: number;
    epoch: string;
    quarantine: Map<string, QuarantineEntry>;
  }) => void;
}): AsyncGenerator<WatchInstancesResponse, void, undefined> {
  const [epoch, quarantine] = await Promise.all([
    options.redis.get(RedisKeys.instancesEpoch).then((value) => value ?? ''),
    readQuarantine(options.redis),
  ]);
  const chunker = SizeBoundedChunker<Instance>(options.maxMessageBytes - MESSAGE_OVERHEAD_BYTES);
  let revision: number | undefined;
  let invalid = 0;
  const message = (instances: Instance[], more: boolean): WatchInstancesResponse => ({
    revision: revision ?? 0,
    epoch,
    event: { $case: 'snapshot', value: { instances, more } },
  });
  for await (const page of scanInstances(options.redis, { group: options.group })) {
    if (revision === undefined) {
      revision = page.revision;
      options.onStart({ revision, epoch, quarantine });
    }
    for (const entry of page.entries) {
      if (!entry.instance) {
        if (entry.error !== undefined) invalid += 1;
        continue;
      }
      const proto = instanceToProto(entry.instance, quarantine.get(entry.id));
      const full = chunker.add(proto, repeatedElementSize(instanceSizeBound(proto)));
      if (!full) continue;
      if (!options.chunked) {
        throw new ServerError(
          Status.FAILED_PRECONDITION,
          `the snapshot is larger than the ${options.maxMessageBytes}-byte message bound: ` +
            'set chunked_snapshots to receive it in several messages',
        );
      }
      yield message(full, true);
    }
  }
  if (invalid > 0)
    options.logger.error(
      { invalid, group: options.group },
      'instances in Redis fail validation: hidden',
    );
  yield message(chunker.take(), false);
}
