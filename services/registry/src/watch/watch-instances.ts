import type { Redis } from 'ioredis';
import { ChangeType, type WatchInstancesResponse } from '@gateway/proto/registry';
import {
  compareEpochs,
  EventQueue,
  OVERFLOW,
  readInstanceSnapshot,
  readQuarantine,
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

const CHANGE_TYPES: Record<ChangeTypeName, ChangeType> = {
  REGISTERED: ChangeType.CHANGE_TYPE_REGISTERED,
  UPDATED: ChangeType.CHANGE_TYPE_UPDATED,
  DEREGISTERED: ChangeType.CHANGE_TYPE_DEREGISTERED,
  EXPIRED: ChangeType.CHANGE_TYPE_EXPIRED,
};

type WatchEvent = FeedEvent | { readonly kind: 'quarantine'; readonly change: QuarantineChange };

/**
 * One WatchInstances stream: a snapshot, then every change in revision order. An
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
    const snapshot = async (): Promise<WatchInstancesResponse> => {
      const [current, quarantined] = await Promise.all([
        readInstanceSnapshot(options.redis),
        readQuarantine(options.redis),
      ]);
      quarantine = quarantined;
      follower.resetTo(current.revision);
      epoch = current.epoch;
      const instances = current.instances.filter(
        (instance) => group === '' || instance.spec.group === group,
      );
      return {
        revision: current.revision,
        epoch,
        event: {
          $case: 'snapshot',
          value: {
            instances: instances.map((instance) =>
              instanceToProto(instance, quarantine.get(instance.id)),
            ),
          },
        },
      };
    };

    yield await snapshot();
    for await (const event of queue.drain(signal)) {
      if (event === OVERFLOW) {
        options.logger.warn({ group }, 'watcher fell behind: sending a fresh snapshot');
        yield await snapshot();
        continue;
      }
      if (event.kind === 'quarantine') {
        const update = await quarantineUpdate(options.redis, event.change, group, quarantine);
        if (update)
          yield { revision: follower.revision, epoch, event: { $case: 'change', value: update } };
        continue;
      }
      if (event.kind === 'revision') {
        if (event.epoch !== epoch) {
          options.logger.info({ group, epoch: event.epoch }, 'new store epoch: sending a snapshot');
          yield await snapshot();
        } else if (follower.polled(event.revision)) {
          yield await snapshot();
        }
        continue;
      }
      const { change } = event;
      // The first write to an empty dataset creates its epoch: it follows the empty snapshot as is.
      if (epoch === '' && follower.revision === 0 && change.revision === 1) epoch = change.epoch;
      if (change.epoch !== epoch) {
        // Of the epoch we hold already read by a snapshot? Only a newer epoch means a resync.
        if (compareEpochs(change.epoch, epoch) > 0) yield await snapshot();
        continue;
      }
      const step = follower.change(change.revision);
      if (step === 'ignore') continue;
      if (step === 'resync') {
        yield await snapshot();
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
