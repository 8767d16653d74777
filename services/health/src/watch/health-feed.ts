import type { Redis } from 'ioredis';
import {
  BackgroundLoop,
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

export type HealthFeed = {
  readonly subscribed: Promise<void>;
  listen(listener: (event: HealthFeedEvent) => void): () => void;
  close(): Promise<void>;
};

/**
 * One subscription per process to the health and inventory channels, fanned out to
 * every watcher, plus a poll of both revision counters so a lost message only
 * delays. `subscriber` must be a connection of its own.
 */
export function HealthFeed(options: { subscriber: Redis; redis: Redis; pollIntervalMs: number; logger: Logger }): HealthFeed {
  const { subscriber, redis, logger } = options;
  const listeners = new Set<(event: HealthFeedEvent) => void>();
  const emit = (event: HealthFeedEvent) => {
    for (const listener of listeners) listener(event);
  };
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === RedisChannels.healthChanges) {
      const change = parseHealthChange(message);
      if (change) emit({ kind: 'health', change });
      else logger.warn({ message: message.slice(0, 200) }, 'unreadable health change message');
    } else if (channel === RedisChannels.nodeChanges) {
      const change = parseNodeChange(message);
      if (change) emit({ kind: 'nodes', change });
      else logger.warn({ message: message.slice(0, 200) }, 'unreadable node change message');
    }
  });
  const subscribed = subscriber.subscribe(RedisChannels.healthChanges, RedisChannels.nodeChanges).then(() => undefined);
  subscribed.catch((error: unknown) => logger.error({ err: error }, 'cannot subscribe to health changes'));
  const poll = BackgroundLoop({
    name: 'health-revision-poll',
    intervalMs: options.pollIntervalMs,
    logger,
    round: async () => {
      if (listeners.size === 0) return;
      const [health, nodes] = await redis.mget(RedisKeys.healthRevision, RedisKeys.nodesRevision);
      emit({ kind: 'revisions', health: Number(health ?? 0), nodes: Number(nodes ?? 0) });
    },
  });
  return {
    subscribed,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await poll.stop();
      listeners.clear();
      // The owner closes the subscriber connection, which ends the subscription; an
      // UNSUBSCRIBE here would wait for a Redis that may be gone.
    },
  };
}
