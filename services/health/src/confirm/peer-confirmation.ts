import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  ChannelFeed,
  deadline,
  readNodesWithStatus,
  RedisChannels,
  RedisKeys,
  type Logger,
} from '@gateway/shared';
import type { HttpProber } from '../probe/http-prober.js';
import type { PeerView } from '../probe/mass-failure.js';

type Request = { readonly id: string; readonly replica: string; readonly ips: readonly string[] };

const ANSWER_TTL_MS = 60_000;
const MAX_IPS = 1_000;

export type PeerConfirmation = {
  /** Asks the other replicas to probe `ips` now; the answers that came within `waitMs`. */
  ask(ips: readonly string[], waitMs: number): Promise<PeerView[]>;
  readonly subscribed: Promise<void>;
  close(): Promise<void>;
};

function parseRequest(message: string): Request | undefined {
  try {
    const raw = JSON.parse(message) as Partial<Request>;
    if (typeof raw.id !== 'string' || typeof raw.replica !== 'string' || !Array.isArray(raw.ips))
      return undefined;
    return {
      id: raw.id,
      replica: raw.replica,
      ips: raw.ips.filter((ip) => typeof ip === 'string'),
    };
  } catch {
    return undefined;
  }
}

/**
 * A second opinion between health replicas. A replica whose round failed (nearly) every
 * node publishes a request; every other replica probes those nodes — the ones of its own
 * inventory, with its own probe timeout; nothing is applied — and writes what it saw
 * into a short-lived hash the asker reads. The asker waits until every other subscribed
 * replica answered (PUBLISH says how many hear it) or `waitMs` passed.
 */
export function PeerConfirmation(options: {
  redis: Redis;
  subscriber: Redis;
  prober: HttpProber;
  replicaId: string;
  probeTimeoutMs: number;
  signal: AbortSignal;
  logger: Logger;
}): PeerConfirmation {
  const { redis, prober, replicaId, logger } = options;
  const feed = ChannelFeed<Request>({
    name: 'health-confirm',
    subscriber: options.subscriber,
    logger,
    channels: { [RedisChannels.healthConfirmRequests]: parseRequest },
  });

  const answer = async (request: Request) => {
    const { nodes } = await readNodesWithStatus(redis);
    const wanted = new Set(request.ips.slice(0, MAX_IPS));
    const probed = await Promise.all(
      nodes
        .filter((node) => wanted.has(node.spec.ip))
        .map(async (node) => {
          const limit = deadline(options.signal, options.probeTimeoutMs);
          try {
            return {
              ip: node.spec.ip,
              healthy: (await prober.probe(node.spec.healthUrl, limit.signal)).healthy,
            };
          } finally {
            limit.clear();
          }
        }),
    );
    const view = {
      healthy: probed.filter((entry) => entry.healthy).map((entry) => entry.ip),
      failed: probed.filter((entry) => !entry.healthy).map((entry) => entry.ip),
    };
    const key = RedisKeys.healthConfirmViews(request.id);
    await redis
      .multi()
      .hset(key, replicaId, JSON.stringify(view))
      .pexpire(key, ANSWER_TTL_MS)
      .exec();
    logger.info(
      { asker: request.replica, ...view },
      'answered a mass-failure confirmation request',
    );
  };

  feed.listen((request) => {
    if (request.replica === replicaId || options.signal.aborted) return;
    answer(request).catch((error: unknown) =>
      logger.warn({ err: error, asker: request.replica }, 'cannot answer a confirmation request'),
    );
  });

  return {
    subscribed: feed.subscribed,
    async ask(ips, waitMs) {
      const id = `${Date.now()}-${randomBytes(6).toString('hex')}`;
      const listeners = await redis.publish(
        RedisChannels.healthConfirmRequests,
        JSON.stringify({ id, replica: replicaId, ips }),
      );
      const expected = Math.max(0, listeners - 1);
      const until = Date.now() + waitMs;
      let answers: Record<string, string> = {};
      while (!options.signal.aborted) {
        answers = await redis.hgetall(RedisKeys.healthConfirmViews(id));
        if (Object.keys(answers).length >= expected || Date.now() >= until) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const views: PeerView[] = [];
      for (const [replica, json] of Object.entries(answers)) {
        try {
          const view = JSON.parse(json) as { healthy?: unknown; failed?: unknown };
          if (Array.isArray(view.healthy) && Array.isArray(view.failed))
            views.push({
              replica,
              healthy: view.healthy as string[],
              failed: view.failed as string[],
            });
        } catch {
          // An unreadable answer counts as none.
        }
      }
      return views;
    },
    close: () => feed.close(),
  };
}
