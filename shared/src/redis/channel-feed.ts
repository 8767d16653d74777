import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BackgroundLoop } from '../process/background-loop.js';

export type ChannelFeed<Event> = {
  /** Resolves once the subscription is in place (it waits for Redis however long). */
  readonly subscribed: Promise<void>;
  /** Adds a listener; returns its removal. */
  listen(listener: (event: Event) => void): () => void;
  close(): Promise<void>;
};

/**
 * One Pub/Sub subscription per process, fanned out to every listener, plus a poll
 * (of revision counters) every `pollIntervalMs`, so a lost message only delays:
 * a listener that sees a polled revision ahead of what it heard resynchronizes.
 * `subscriber` must be a connection of its own; its owner closes it (that ends the
 * subscription: an UNSUBSCRIBE would wait for a Redis that may be gone).
 */
export function ChannelFeed<Event>(options: {
  name: string;
  subscriber: Redis;
  /** The command connection the poll reads with. */
  redis?: Redis;
  /** Channel → parser of its messages (undefined for an unreadable message). */
  channels: Readonly<Record<string, (message: string) => Event | undefined>>;
  /** Read (revision counters) every `pollIntervalMs` while anyone listens; none when absent. */
  poll?: (redis: Redis) => Promise<Event>;
  pollIntervalMs?: number;
  logger: Logger;
}): ChannelFeed<Event> {
  const { subscriber, logger } = options;
  const listeners = new Set<(event: Event) => void>();
  const emit = (event: Event) => {
    for (const listener of listeners) listener(event);
  };
  subscriber.on('message', (channel: string, message: string) => {
    const parse = options.channels[channel];
    if (!parse) return;
    const event = parse(message);
    if (event !== undefined) emit(event);
    else
      logger.warn(
        { channel, message: message.slice(0, 200) },
        'unreadable change message: listeners will resync',
      );
  });
  const subscribed = subscriber.subscribe(...Object.keys(options.channels)).then(() => undefined);
  subscribed.catch((error: unknown) =>
    logger.error({ err: error, feed: options.name }, 'cannot subscribe'),
  );
  const { poll } = options;
  const polling = poll
    ? BackgroundLoop({
        name: `${options.name}-poll`,
        intervalMs: options.pollIntervalMs ?? 2_000,
        logger,
        round: async () => {
          if (listeners.size > 0) emit(await poll(options.redis!));
        },
      })
    : undefined;
  return {
    subscribed,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await polling?.stop();
      listeners.clear();
    },
  };
}
