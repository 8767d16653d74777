import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BackgroundLoop } from '../process/background-loop.js';
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

export type RegistryChangeFeed = {
  /** Resolves once the subscription is in place (it waits for Redis however long). */
  readonly subscribed: Promise<void>;
  /** Adds a listener; returns its removal. */
  listen(listener: (event: FeedEvent) => void): () => void;
  close(): Promise<void>;
};

/**
 * One subscription per process to the registry's change channel, fanned out to
 * every listener, plus a poll of the revision counter every `pollIntervalMs`, so a
 * lost message only delays. `subscriber` must be a connection of its own.
 */
export function RegistryChangeFeed(options: {
  subscriber: Redis;
  redis: Redis;
  pollIntervalMs: number;
  logger: Logger;
}): RegistryChangeFeed {
  const { subscriber, redis, logger } = options;
  const listeners = new Set<(event: FeedEvent) => void>();
  const emit = (event: FeedEvent) => {
    for (const listener of listeners) listener(event);
  };

  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== RedisChannels.instanceChanges) return;
    const change = parseChange(message);
    if (change) emit({ kind: 'change', change });
    else logger.warn({ message: message.slice(0, 200) }, 'unreadable registry change message: listeners will resync');
  });
  const subscribed = subscriber.subscribe(RedisChannels.instanceChanges).then(() => undefined);
  subscribed.catch((error: unknown) => logger.error({ err: error }, 'cannot subscribe to registry changes'));

  const poll = BackgroundLoop({
    name: 'registry-revision-poll',
    intervalMs: options.pollIntervalMs,
    logger,
    round: async () => {
      const revision = Number((await redis.get(RedisKeys.instancesRevision)) ?? 0);
      emit({ kind: 'revision', revision });
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

function parseChange(message: string): InstanceChange | undefined {
  try {
    const raw = JSON.parse(message) as { revision?: unknown; type?: unknown; id?: unknown; instance?: unknown };
    if (typeof raw.revision !== 'number' || typeof raw.id !== 'string') return undefined;
    if (!CHANGE_TYPES.includes(raw.type as never)) return undefined;
    const type = raw.type as InstanceChange['type'];
    if (raw.instance === undefined) return { revision: raw.revision, type, id: raw.id };
    return { revision: raw.revision, type, id: raw.id, instance: decodeStoredInstance(raw.id, JSON.stringify(raw.instance)) };
  } catch {
    return undefined;
  }
}
