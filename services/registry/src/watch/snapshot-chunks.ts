import type { Redis } from 'ioredis';
import { ServerError, Status } from 'nice-grpc';
import type { Instance, WatchInstancesResponse } from '@gateway/proto/registry';
import {
  readQuarantineEntries,
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
 * A chunked snapshot ends with an empty chunk (`more` false), so a watch that then idles
 * holds no instances (see the end of the function).
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
  const epoch = (await options.redis.get(RedisKeys.instancesEpoch)) ?? '';
  // The stream's view of the quarantine: filled page by page (each page reads only its own
  // ids' entries), then kept up to date by the quarantine changes that follow.
  const quarantine = new Map<string, QuarantineEntry>();
  const chunker = SizeBoundedChunker<Instance>(options.maxMessageBytes - MESSAGE_OVERHEAD_BYTES);
  let revision: number | undefined;
  let invalid = 0;
  const message = (instances: Instance[], more: boolean): WatchInstancesResponse => ({
    revision: revision ?? 0,
    epoch,
    event: { $case: 'snapshot', value: { instances, more } },
  });
  for await (const page of scanInstances(options.redis, { group: options.group })) {
    const entries = await readQuarantineEntries(
      options.redis,
      page.entries.map((entry) => entry.id),
    );
    for (const [id, entry] of entries) quarantine.set(id, entry);
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
  const rest = chunker.take();
  if (!options.chunked || rest.length === 0) {
    yield message(rest, false);
    return;
  }
  // A chunked snapshot ends with an empty chunk. Every layer that passes a stream's messages
  // on (this generator's caller, the middlewares, nice-grpc's server loop) holds the last one
  // it passed until the next arrives, and an idle watch may wait hours for its next change:
  // the chunk held that long is this empty one, not up to maxMessageBytes of instances per
  // watcher (100 watchers of 3,000 instances held 470 MB of RSS in the registry before).
  yield message(rest, true);
  yield message([], false);
}
