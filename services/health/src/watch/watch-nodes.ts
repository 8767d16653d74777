import type { Redis } from 'ioredis';
import type { WatchNodesResponse } from '@gateway/proto/health';
import { EventQueue, OVERFLOW, RedisKeys, RevisionFollower, type Logger } from '@gateway/shared';
import { nodeToProto } from '../api/response-mapping.js';
import type { HealthReader } from '../state/health-reader.js';
import type { HealthFeed, HealthFeedEvent } from './health-feed.js';
import { nodeSnapshotChunks } from './node-snapshot-chunks.js';

/**
 * One WatchNodes stream: the whole inventory with health (`snapshot` true, in chunks of at
 * most the message bound when the client asked for them), then each
 * node whose status changed. An inventory change (add, update, remove), a gap in the
 * health revisions, a revision poll that stays ahead of us, or a queue overflow (a
 * slow client) sends a fresh snapshot, which replaces everything the client holds; so
 * does a polled revision below what we read (Redis lost its data: counters restarted).
 * Ends when `signal` aborts (client gone or server shutting down).
 */
export async function* watchNodes(options: {
  redis: Redis;
  reader: HealthReader;
  feed: HealthFeed;
  queueLimit: number;
  /** The client assembles snapshots sent in several messages (see nodeSnapshotChunks). */
  chunked: boolean;
  maxMessageBytes: number;
  signal: AbortSignal;
  logger: Logger;
}): AsyncGenerator<WatchNodesResponse, void, undefined> {
  const { reader, signal } = options;
  const queue = EventQueue<HealthFeedEvent>(options.queueLimit);
  const unlisten = options.feed.listen((event) => queue.push(event));
  try {
    const health = RevisionFollower();
    const inventory = RevisionFollower();
    const snapshot = async (): Promise<WatchNodesResponse[]> => {
      const [healthRevision, nodesRevision] = await options.redis.mget(
        RedisKeys.healthRevision,
        RedisKeys.nodesRevision,
      );
      health.resetTo(Number(healthRevision ?? 0));
      inventory.resetTo(Number(nodesRevision ?? 0));
      const views = await reader.list();
      return nodeSnapshotChunks(views, options);
    };

    yield* await snapshot();
    for await (const event of queue.drain(signal)) {
      if (event === OVERFLOW) {
        options.logger.warn('node watcher fell behind: sending a fresh snapshot');
        yield* await snapshot();
        continue;
      }
      if (event.kind === 'revisions') {
        // A counter below what we read: the dataset was lost and rebuilt (the inventory's
        // reconcile re-adds the declared nodes from revision 1): resynchronize at once.
        if (event.health < health.revision || event.nodes < inventory.revision) {
          options.logger.info(
            'node revisions went back (Redis lost its data?): sending a snapshot',
          );
          yield* await snapshot();
          continue;
        }
        // Both followers see every poll (no short-circuit): each keeps its own account.
        const healthBehind = health.polled(event.health);
        const inventoryBehind = inventory.polled(event.nodes);
        if (healthBehind || inventoryBehind) yield* await snapshot();
        continue;
      }
      if (event.kind === 'nodes') {
        // Any inventory change replaces what the client holds (the snapshot covers it).
        if (event.change.revision > inventory.revision) yield* await snapshot();
        continue;
      }
      const { change } = event;
      const step = health.change(change.revision);
      if (step === 'ignore') continue;
      if (step === 'resync') {
        yield* await snapshot();
        continue;
      }
      const view = await reader.get(change.ip);
      if (view) yield { nodes: [nodeToProto(view)], snapshot: false, more: false };
    }
  } finally {
    unlisten();
  }
}
