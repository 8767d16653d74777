import type { Redis } from 'ioredis';
import { ChangeType, type WatchInstancesResponse } from '@gateway/proto/registry';
import {
  compareEpochs,
  EventQueue,
  OVERFLOW,
  RevisionFollower,
  type ChangeTypeName,
  type ChannelFeed,
  type FeedEvent,
  type Logger,
  type QuarantineChange,
  type QuarantineEntry,
  type RegistryChangeFeed,
} from '@gateway/shared';
import { instanceToProto } from '../api/response-mapping.js';
import { quarantineUpdate } from './quarantine-update.js';
import type { SnapshotGate } from './snapshot-gate.js';
import { snapshotChunks } from './snapshot-chunks.js';

const CHANGE_TYPES: Record<ChangeTypeName, ChangeType> = {
  REGISTERED: ChangeType.CHANGE_TYPE_REGISTERED,
  UPDATED: ChangeType.CHANGE_TYPE_UPDATED,
  DEREGISTERED: ChangeType.CHANGE_TYPE_DEREGISTERED,
  EXPIRED: ChangeType.CHANGE_TYPE_EXPIRED,
};

type WatchEvent = FeedEvent | { readonly kind: 'quarantine'; readonly change: QuarantineChange };

/**
 * One WatchInstances stream: a snapshot (in chunks, see snapshotChunks), then every change
 * in revision order. The listener is in place before the snapshot's first page is read, so
 * every change after the snapshot's revision is queued meanwhile and sent after it. An
 * instance entering or leaving quarantine comes as UPDATED at the current revision. A gap
 * in revisions (a lost message), a revision poll that stays ahead of us, or a queue
 * overflow (a slow client) sends a fresh snapshot instead. So does a new store epoch
 * (Redis lost its data: revisions started again), heard in a change or in the poll,
 * at once. Ends when `signal` aborts (client gone or server shutting down).
 */
export async function* watchInstances(options: {
  redis: Redis;
  feed: RegistryChangeFeed;
  quarantineFeed: ChannelFeed<QuarantineChange>;
  group: string;
  queueLimit: number;
  /** The client assembles snapshots sent in several messages. */
  chunked: boolean;
  maxMessageBytes: number;
  /** Bounds the snapshot chunks this replica builds at once. */
  snapshotGate: SnapshotGate;
  signal: AbortSignal;
  logger: Logger;
}): AsyncGenerator<WatchInstancesResponse, void, undefined> {
  const { group, signal } = options;
  const queue = EventQueue<WatchEvent>(options.queueLimit);
  const unlisten = options.feed.listen((event) => queue.push(event));
  const unlistenQuarantine = options.quarantineFeed.listen((change) =>
    queue.push({ kind: 'quarantine', change }),
  );
  try {
    const follower = RevisionFollower();
    let epoch = '';
    let quarantine = new Map<string, QuarantineEntry>();
    const snapshot = () =>
      snapshotChunks({
        redis: options.redis,
        group,
        chunked: options.chunked,
        maxMessageBytes: options.maxMessageBytes,
        logger: options.logger,
        gate: options.snapshotGate,
        signal,
        onStart: (start) => {
          follower.resetTo(start.revision);
          epoch = start.epoch;
          quarantine = start.quarantine;
        },
      });

    yield* snapshot();
    for await (const event of queue.drain(signal)) {
      if (event === OVERFLOW) {
        options.logger.warn({ group }, 'watcher fell behind: sending a fresh snapshot');
        yield* snapshot();
        continue;
      }
      if (event.kind === 'quarantine') {
        const update = await quarantineUpdate(options.redis, event.change, group, quarantine);
        if (update)
          yield { revision: follower.revision, epoch, event: { $case: 'change', value: update } };
        continue;
      }
      if (event.kind === 'revision') {
        // The first write to an empty dataset creates its epoch: a watch that holds the empty
        // snapshot follows it from revision 0, as it does when the first change comes first.
        if (epoch === '' && follower.revision === 0) epoch = event.epoch;
        if (event.epoch !== epoch) {
          options.logger.info({ group, epoch: event.epoch }, 'new store epoch: sending a snapshot');
          yield* snapshot();
        } else if (follower.polled(event.revision)) {
          options.logger.warn(
            { group, sent: follower.revision, polled: event.revision },
            'watch behind the revision poll twice (a lost message, or a watcher too slow): sending a fresh snapshot',
          );
          yield* snapshot();
        }
        continue;
      }
      const { change } = event;
      // The first write to an empty dataset creates its epoch: it follows the empty snapshot as is.
      if (epoch === '' && follower.revision === 0 && change.revision === 1) epoch = change.epoch;
      if (change.epoch !== epoch) {
        // Of the epoch we hold already read by a snapshot? Only a newer epoch means a resync.
        if (compareEpochs(change.epoch, epoch) > 0) yield* snapshot();
        continue;
      }
      const step = follower.change(change.revision);
      if (step === 'ignore') continue;
      if (step === 'resync') {
        options.logger.warn(
          { group, sent: follower.revision, received: change.revision },
          'a change message was lost (revision gap): sending a fresh snapshot',
        );
        yield* snapshot();
        continue;
      }
      const changeGroup = change.instance?.spec.group ?? change.id.split('/')[0];
      if (group !== '' && changeGroup !== group) continue;
      yield {
        revision: change.revision,
        epoch,
        event: {
          $case: 'change',
          value: {
            type: CHANGE_TYPES[change.type],
            instanceId: change.id,
            instance: change.instance
              ? instanceToProto(change.instance, quarantine.get(change.id))
              : undefined,
          },
        },
      };
    }
  } finally {
    unlisten();
    unlistenQuarantine();
  }
}
