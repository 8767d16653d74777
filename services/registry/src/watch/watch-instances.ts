import type { Redis } from 'ioredis';
import { ChangeType, type WatchInstancesResponse } from '@gateway/proto/registry';
import {
  EventQueue,
  OVERFLOW,
  RevisionFollower,
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
    const follower = RevisionFollower();
    const snapshot = () =>
      snapshotChunks({
        redis: options.redis,
        group,
        chunked: options.chunked,
        maxMessageBytes: options.maxMessageBytes,
        logger: options.logger,
        onRevision: (revision) => follower.resetTo(revision),
      });

    yield* snapshot();
    for await (const event of queue.drain(signal)) {
      if (event === OVERFLOW) {
        options.logger.warn({ group }, 'watcher fell behind: sending a fresh snapshot');
        yield* snapshot();
        continue;
      }
      if (event.kind === 'revision') {
        if (follower.polled(event.revision)) yield* snapshot();
        continue;
      }
      const { change } = event;
      const step = follower.change(change.revision);
      if (step === 'ignore') continue;
      if (step === 'resync') {
        yield* snapshot();
        continue;
      }
      const changeGroup = change.instance?.spec.group ?? change.id.split('/')[0];
      if (group !== '' && changeGroup !== group) continue;
      yield {
        revision: change.revision,
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
