import type { Redis } from 'ioredis';
import {
  ChannelFeed,
  parseHealthChange,
  parseNodeChange,
  RedisChannels,
  RedisKeys,
  type HealthChange,
  type Logger,
  type NodeChange,
} from '@gateway/shared';

/** What a watcher hears: a status transition, an inventory change, or the revisions read by the poll. */
export type HealthFeedEvent =
  | { readonly kind: 'health'; readonly change: HealthChange }
  | { readonly kind: 'nodes'; readonly change: NodeChange }
  | { readonly kind: 'revisions'; readonly health: number; readonly nodes: number };

export type HealthFeed = ChannelFeed<HealthFeedEvent>;

/** The health and inventory channels and a poll of both revision counters, fanned out to every watcher. */
export function HealthFeed(options: {
  subscriber: Redis;
  redis: Redis;
  pollIntervalMs: number;
  logger: Logger;
}): HealthFeed {
  return ChannelFeed<HealthFeedEvent>({
    name: 'health-changes',
    ...options,
    channels: {
      [RedisChannels.healthChanges]: (message) => {
        const change = parseHealthChange(message);
        return change ? { kind: 'health', change } : undefined;
      },
      [RedisChannels.nodeChanges]: (message) => {
        const change = parseNodeChange(message);
        return change ? { kind: 'nodes', change } : undefined;
      },
    },
    poll: async (redis) => {
      const [health, nodes] = await redis.mget(RedisKeys.healthRevision, RedisKeys.nodesRevision);
      return { kind: 'revisions', health: Number(health ?? 0), nodes: Number(nodes ?? 0) };
    },
  });
}
