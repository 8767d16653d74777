import type { Redis } from 'ioredis';
import {
  ChangeType,
  type InstanceChange,
  type WatchInstancesResponse,
} from '@gateway/proto/registry';
import {
  decodeStoredInstance,
  EventQueue,
  OVERFLOW,
  readInstanceSnapshot,
  readQuarantine,
  readQuarantineEntry,
  RedisKeys,
  type ChannelFeed,
  type QuarantineChange,
  type QuarantineEntry,
  type ChangeTypeName,
  type FeedEvent,
  type Logger,
  type RegistryChangeFeed,
} from '@gateway/shared';
import { instanceToProto } from '../api/response-mapping.js';

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
 * overflow (a slow client) sends a fresh snapshot instead. Ends when `signal`
 * aborts (client gone or server shutting down).
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
    let revision = 0;
    let behindAt: number | undefined;
    let quarantine = new Map<string, QuarantineEntry>();
    const snapshot = async (): Promise<WatchInstancesResponse> => {
      const [current, quarantined] = await Promise.all([
        readInstanceSnapshot(options.redis),
        readQuarantine(options.redis),
      ]);
      quarantine = quarantined;
      revision = current.revision;
      behindAt = undefined;
      const instances = current.instances.filter(
        (instance) => group === '' || instance.spec.group === group,
      );
      return {
        revision,
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
        if (update) yield { revision, event: { $case: 'change', value: update } };
        continue;
      }
      if (event.kind === 'revision') {
        // Seen ahead at two polls in a row: a message was lost, resynchronize.
        if (event.revision <= revision) behindAt = undefined;
        else if (behindAt !== undefined && revision < behindAt) yield await snapshot();
        else behindAt = event.revision;
        continue;
      }
      const { change } = event;
      if (change.revision <= revision) continue;
      if (change.revision !== revision + 1) {
        yield await snapshot();
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

/**
 * Applies a quarantine transition to the stream's view and returns the UPDATED change to
 * send (the instance as stored, with or without its quarantine); undefined when the
 * instance is gone or outside the watched group.
 */
async function quarantineUpdate(
  redis: Redis,
  change: QuarantineChange,
  group: string,
  quarantine: Map<string, QuarantineEntry>,
): Promise<InstanceChange | undefined> {
  const entry =
    change.type === 'QUARANTINED' ? await readQuarantineEntry(redis, change.id) : undefined;
  if (entry) quarantine.set(change.id, entry);
  else quarantine.delete(change.id);
  const json = await redis.hget(RedisKeys.instances, change.id);
  if (json === null) return undefined;
  let stored;
  try {
    stored = decodeStoredInstance(change.id, json);
  } catch {
    return undefined;
  }
  if (group !== '' && stored.spec.group !== group) return undefined;
  return {
    type: ChangeType.CHANGE_TYPE_UPDATED,
    instanceId: change.id,
    instance: instanceToProto(stored, entry),
  };
}
