import type { Redis } from 'ioredis';
import { ServerError, Status } from 'nice-grpc';
import type { Instance, WatchInstancesResponse } from '@gateway/proto/registry';
import {
  readQuarantineEntries,
  RedisKeys,
  repeatedElementSize,
  readInstancePage,
  SCAN_BATCH,
  SizeBoundedChunker,
  type Logger,
  type QuarantineEntry,
} from '@gateway/shared';
import { instanceSizeBound } from '../api/instance-size.js';
import { instanceToProto } from '../api/response-mapping.js';
import type { SnapshotGate } from './snapshot-gate.js';

/** Room left in a WatchInstancesResponse for the revision, the oneof wrapper and `more`. */
const MESSAGE_OVERHEAD_BYTES = 64;

/**
 * A WatchInstances snapshot as messages of at most `maxMessageBytes` encoded, read page by
 * page (SCAN_BATCH instances) through the id index. Every chunk carries the revision read
 * with the first page; every chunk but the last has `more`. The pages are read while
 * changes go on: the changes after that revision, which the watch sends next, make the
 * client's view exact.
 *
 * The store epoch and the quarantine are read before the first page and handed to the
 * stream (`onStart`), which follows changes from there.
 *
 * Memory: a chunked snapshot sends each page as soon as it is read (in one chunk, or two
 * when the page passes the bound), so its instances live as objects for one page's reads
 * only; held across many reads (a chunk filled over several pages) they outlived the young
 * generation, and 100 watchers connecting grew the old generation by some 80 MB of garbage.
 * Each page is read under a permit of `gate` (see SnapshotGate), taken before the read and
 * handed on before the page is sent: a watcher that reads slowly never holds one, and a
 * build waiting for one holds no instances.
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
  gate: SnapshotGate;
  signal: AbortSignal;
  onStart: (start: {
    revision: number;
    epoch: string;
    quarantine: Map<string, QuarantineEntry>;
  }) => void;
}): AsyncGenerator<WatchInstancesResponse, void, undefined> {
  const { redis, group } = options;
  // A watch that ends (client gone, server shutting down) while it waits for its turn ends
  // quietly: the stream then stops as it would have without the wait.
  const turn = () =>
    options.gate.acquire(options.signal).catch((error: unknown) => {
      if (options.signal.aborted) return undefined;
      throw error;
    });
  let permit = await turn();
  if (!permit) return;
  try {
    const epoch = (await redis.get(RedisKeys.instancesEpoch)) ?? '';
    // The stream's view of the quarantine: filled page by page (each page reads only its own
    // ids' entries), then kept up to date by the quarantine changes that follow.
    const quarantine = new Map<string, QuarantineEntry>();
    const chunker = SizeBoundedChunker<Instance>(options.maxMessageBytes - MESSAGE_OVERHEAD_BYTES);
    let revision: number | undefined;
    let invalid = 0;
    let after = '';
    let exhausted = false;
    const message = (instances: Instance[], more: boolean): WatchInstancesResponse => ({
      revision: revision ?? 0,
      epoch,
      event: { $case: 'snapshot', value: { instances, more } },
    });
    /** Reads the next page into the chunker; returns the chunks it filled. */
    const readPage = async (): Promise<Instance[][]> => {
      const page = await readInstancePage(redis, { group, after, limit: SCAN_BATCH });
      const entries = await readQuarantineEntries(
        redis,
        page.entries.map((entry) => entry.id),
      );
      for (const [id, entry] of entries) quarantine.set(id, entry);
      if (revision === undefined) {
        revision = page.revision;
        options.onStart({ revision, epoch, quarantine });
      }
      exhausted = page.exhausted || page.entries.length === 0;
      after = page.entries.at(-1)?.id ?? after;
      const filled: Instance[][] = [];
      for (const entry of page.entries) {
        if (!entry.instance) {
          if (entry.error !== undefined) invalid += 1;
          continue;
        }
        const proto = instanceToProto(entry.instance, quarantine.get(entry.id));
        const full = chunker.add(proto, repeatedElementSize(instanceSizeBound(proto)));
        if (full) filled.push(full);
      }
      if (options.chunked && chunker.pendingBytes > 0) filled.push(chunker.take());
      return filled;
    };
    while (!exhausted) {
      const filled = await readPage();
      if (filled.length === 0) continue;
      if (!options.chunked) {
        throw new ServerError(
          Status.FAILED_PRECONDITION,
          `the snapshot is larger than the ${options.maxMessageBytes}-byte message bound: ` +
            'set chunked_snapshots to receive it in several messages',
        );
      }
      // The page is read: the next build may start while it is sent.
      permit();
      for (const chunk of filled.splice(0)) yield message(chunk, true);
      if (exhausted) break;
      const next = await turn();
      if (!next) return;
      permit = next;
    }
    permit();
    if (invalid > 0)
      options.logger.error({ invalid, group }, 'instances in Redis fail validation: hidden');
    // A chunked snapshot ends with an empty chunk. Every layer that passes a stream's messages
    // on (this generator's caller, the middlewares, nice-grpc's server loop) holds the last one
    // it passed until the next arrives, and an idle watch may wait hours for its next change:
    // the chunk held that long is this empty one, not up to maxMessageBytes of instances per
    // watcher (100 watchers of 3,000 instances held 470 MB of RSS in the registry before).
    yield message(chunker.take(), false);
  } finally {
    permit();
  }
}
