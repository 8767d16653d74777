import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ChannelFeed } from '../redis/channel-feed.js';
import { RedisChannels, RedisKeys } from '../redis/keys.js';
import { decodeStoredInstance } from './decode-stored-instance.js';
import { CHANGE_TYPES, type InstanceChange } from './instance-change.js';

/**
 * What a feed listener hears: a published change, or the revision read by the
 * periodic poll (which lets a listener notice a lost message: it is then behind).
 */
export type FeedEvent =
  | { readonly kind: 'change'; readonly change: InstanceChange }
  | { readonly kind: 'revision'; readonly revision: number };

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
    poll: async (redis) => ({
      kind: 'revision',
      revision: Number((await redis.get(RedisKeys.instancesRevision)) ?? 0),
    }),
  });
}

function parseChange(message: string): InstanceChange | undefined {
  try {
    const raw = JSON.parse(message) as {
      revision?: unknown;
      type?: unknown;
      id?: unknown;
      instance?: unknown;
    };
    if (typeof raw.revision !== 'number' || typeof raw.id !== 'string') return undefined;
    if (!CHANGE_TYPES.includes(raw.type as never)) return undefined;
    const type = raw.type as InstanceChange['type'];
    if (raw.instance === undefined) return { revision: raw.revision, type, id: raw.id };
    return {
      revision: raw.revision,
      type,
      id: raw.id,
      instance: decodeStoredInstance(raw.id, JSON.stringify(raw.instance)),
    };
  } catch {
    return undefined;
  }
}
