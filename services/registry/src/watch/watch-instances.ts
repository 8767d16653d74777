import type { Redis } from 'ioredis';
import { ChangeType, type WatchInstancesResponse } from '@gateway/proto/registry';
import {
  EventQueue,
  OVERFLOW,
  type ChangeTypeName,
  type FeedEvent,
  type Logger,
  type RegistryChangeFeed,
} from '@gateway/shared';
import { instanceToProto } from '../api/response-mapping.js';
import { snapshotChunks } from './snapshot-chunks.js';

const CHANGE_TYPES: Record<ChangeTypeName, ChangeType> = {
  REGISTERED: ChangeType.CHANGE_TYPE_REGISTERED,
  UPDATED: ChangeType.CHANGE_TYPE_UPDATED,
  DEREGISTERED: ChangeType.CHANGE_TYPE_DEREGISTERED,
  EXPIRED: ChangeType.CHANGE_TYPE_EXPIRED,
};

/**
 * One WatchInstances stream: a snapshot (in chunks, see snapshotChunks), then every change
 * in revision order. The listener is in place before the snapshot's first page is read, so
 * every change after the snapshot's revision is queued meanwhile and sent after it. A gap
 * in revisions (a lost message), a revision poll that stays ahead of us, or a queue
 * overflow (a slow client) sends a fresh snapshot instead. Ends when `signal`
 * aborts (client gone or server shutting down).
 */
export async function* watchInstances(options: {
  redis: Redis;
  feed: RegistryChangeFeed;
  group: string;
  queueLimit: number;
  /** The client assembles snapshots sent in several messages. */
  chunked: boolean;
  maxMessageBytes: number;
  signal: AbortSignal;
  logger: Logger;
}): AsyncGenerator<WatchInstancesResponse, void, undefined> {
  const { group, signal } = options;
  const queue = EventQueue<FeedEvent>(options.queueLimit);
  const unlisten = options.feed.listen((event) => queue.push(event));
  try {
    let revision = 0;
    let behindAt: number | undefined;
    const snapshot = () =>
      snapshotChunks({
        redis: options.redis,
        group,
        chunked: options.chunked,
        maxMessageBytes: options.maxMessageBytes,
        logger: options.logger,
        onRevision: (read) => {
          revision = read;
          behindAt = undefined;
        },
      });

    yield* snapshot();
    for await (const event of queue.drain(signal)) {
      if (event === OVERFLOW) {
        options.logger.warn({ group }, 'watcher fell behind: sending a fresh snapshot');
        yield* snapshot();
        continue;
      }
      if (event.kind === 'revision') {
        // Seen ahead at two polls in a row: a message was lost, resynchronize.
        if (event.revision <= revision) behindAt = undefined;
        else if (behindAt !== undefined && revision < behindAt) yield* snapshot();
        else behindAt = event.revision;
        continue;
      }
      const { change } = event;
      if (change.revision <= revision) continue;
      if (change.revision !== revision + 1) {
        yield* snapshot();
        continue;
      }
      revision = change.revision;
      const changeGroup = change.instance?.spec.group ?? change.id.split('/')[0];
      if (group !== '' && changeGroup !== group) continue;
      yield {
        revision,
        event: {
          $case: 'change',
          value: {
            type: CHANGE_TYPES[change.type],
            instanceId: change.id,
            instance: change.instance ? instanceToProto(change.instance) : undefined,
          },
        },
      };
    }
  } finally {
    unlisten();
  }
}
