import type { Redis } from 'ioredis';
import { delay } from 'abort-controller-x';
import {
  acquirePushLeaseScript,
  RedisKeys,
  releasePushLeaseScript,
  type Logger,
} from '@gateway/shared';

/** One term of holding the lease: the value stored in Redis and its fencing token. */
export type LeaseTerm = { readonly value: string; readonly fence: number };

export type PushLease = {
  /** The term held right now, undefined when not the holder (or no longer sure of it). */
  current(): LeaseTerm | undefined;
  /** Called with the new term when this replica takes the lease, undefined when it loses it. */
  onChange(listener: (term: LeaseTerm | undefined) => void): void;
  /** Stops renewing and gives the lease up, so another replica takes over at once. */
  stop(): Promise<void>;
};

/**
 * The config-push lease: one replica pushes at a time. Every replica tries to take
 * `RedisKeys.pushLeader` (SET PX ttl, value "<replica>|<fence>", fence = INCR); the
 * holder renews every ttl/3, the others try again right when the holder's lease would
 * run out, so a dead holder is replaced within `ttlMs` of its last renewal. The holder
 * counts itself leader only until 3/4 of the ttl after its last successful renewal was
 * sent, so a replica cut off from Redis (or paused) stops before another can take over;
 * every write is fenced by the term's value besides, and nodes refuse older revisions.
 */
export function PushLease(options: {
  redis: Redis;
  replicaId: string;
  ttlMs: number;
  logger: Logger;
}): PushLease {
  const { redis, replicaId, ttlMs, logger } = options;
  const listeners: Array<(term: LeaseTerm | undefined) => void> = [];
  let term: LeaseTerm | undefined;
  let validUntil = 0;
  let expiry: NodeJS.Timeout | undefined;

  const change = (next: LeaseTerm | undefined) => {
    const previous = term;
    term = next;
    if (previous?.value === next?.value) return;
    if (next)
      logger.info(
        { fence: next.fence, replica: replicaId },
        'took the push lease: this replica pushes',
      );
    else if (previous)
      logger.warn(
        { fence: previous.fence, replica: replicaId },
        'lost the push lease: stopped pushing',
      );
    for (const listener of listeners) listener(next);
  };

  const controller = new AbortController();
  const renewEvery = Math.max(100, Math.floor(ttlMs / 3));
  /** One attempt; returns how long to wait before the next. */
  const attempt = async (): Promise<number> => {
    const sent = Date.now();
    let reply: number;
    try {
      reply = Number(
        await acquirePushLeaseScript.run(
          redis,
          [RedisKeys.pushLeader, RedisKeys.pushFence],
          [replicaId, ttlMs],
        ),
      );
    } catch (error) {
      if (term)
        logger.warn({ err: error }, 'cannot renew the push lease: pushing stops when it runs out');
      return renewEvery;
    }
    if (reply > 0) {
      validUntil = sent + Math.floor((ttlMs * 3) / 4);
      if (expiry) clearTimeout(expiry);
      expiry = setTimeout(() => change(undefined), validUntil - Date.now());
      expiry.unref();
      change({ value: `${replicaId}|${reply}`, fence: reply });
      return renewEvery;
    }
    change(undefined);
    // Another replica holds it: try again as soon as its lease would run out.
    return Math.min(renewEvery, -reply + 20);
  };
  const loop = (async () => {
    while (!controller.signal.aborted) {
      const wait = await attempt();
      await delay(controller.signal, wait).catch(() => undefined);
    }
  })();

  return {
    current() {
      if (term && Date.now() >= validUntil) change(undefined);
      return term;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    async stop() {
      controller.abort();
      await loop;
      if (expiry) clearTimeout(expiry);
      const held = term;
      change(undefined);
      if (held) {
        // Bounded: with Redis gone the lease simply runs out.
        const release = releasePushLeaseScript
          .run(redis, [RedisKeys.pushLeader], [held.value])
          .catch(() => undefined);
        await Promise.race([release, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      }
    },
  };
}
