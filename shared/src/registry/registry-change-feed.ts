import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ChannelFeed } from '../redis/channel-feed.js';
import { RedisChannels, RedisKeys } from '../redis/keys.js';
import { parseInstanceChange, type InstanceChange } from './instance-change.js';

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
        const change = parseInstanceChange(message);
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
