import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ChannelFeed } from '../redis/channel-feed.js';
import { RedisChannels, RedisKeys } from '../redis/keys.js';
import { decodeStoredInstance } from './decode-stored-instance.js';
import { CHANGE_TYPES, type InstanceChange } from './instance-change.js';

/**
 * What a feed listener hears: a published change, or the epoch and revision read by the
 * periodic poll (which lets a listener notice a lost message: it is then behind; or a
 * new store epoch: the dataset was lost and rebuilt, resynchronize).
 */
export type FeedEvent =
  | { readonly kind: 'change'; readonly change: InstanceChange }
  | { readonly kind: 'revision'; readonly epoch: string; readonly revision: number };

export type RegistryChangeFeed = ChannelFeed<FeedEvent>;

/**
 * The registry's change channel and a poll of its revision counter, fanned out to
 * every listener (WatchInstances streams, config-push's trigger).
 */
export function RegistryChangeFeed(options: {
  subscriber: Redis;
  redis: Redis;
  pollIntervalMs: number;
  logger: Logger;
}): RegistryChangeFeed {
  return ChannelFeed<FeedEvent>({
    name: 'registry-changes',
    ...options,
    channels: {
      [RedisChannels.instanceChanges]: (message) => {
        const change = parseChange(message);
        return change ? { kind: 'change', change } : undefined;
      },
    },
    poll: async (redis) => {
      const [revision, epoch] = await redis.mget(
        RedisKeys.instancesRevision,
        RedisKeys.instancesEpoch,
      );
      return { kind: 'revision', epoch: epoch ?? '', revision: Number(revision ?? 0) };
    },
  });
}

function parseChange(message: string): InstanceChange | undefined {
  try {
    const raw = JSON.parse(message) as {
      epoch?: unknown;
      revision?: unknown;
      type?: unknown;
      id?: unknown;
      instance?: unknown;
    };
    if (typeof raw.revision !== 'number' || typeof raw.id !== 'string') return undefined;
    if (!CHANGE_TYPES.includes(raw.type as never)) return undefined;
    const type = raw.type as InstanceChange['type'];
    const epoch = typeof raw.epoch === 'string' ? raw.epoch : '';
    if (raw.instance === undefined) return { epoch, revision: raw.revision, type, id: raw.id };
    return {
      epoch,
      revision: raw.revision,
      type,
      id: raw.id,
      instance: decodeStoredInstance(raw.id, JSON.stringify(raw.instance)),
    };
  } catch {
    return undefined;
  }
}
