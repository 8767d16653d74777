import type { Redis } from 'ioredis';
import { RedisKeys } from '../redis/keys.js';
import { enqueueAlertScript } from '../redis/scripts/enqueue-alert.js';
import { parseAlertEntry, type AlertRecord } from './alert-record.js';
import type { AlertEvent } from './alert.js';

/** An entry read for delivery: the alert (undefined when unreadable) and its delivery count. */
export type OutboxEntry = {
  readonly id: string;
  readonly event: AlertEvent | undefined;
  readonly deliveries: number;
};

/** A pending entry: read by a consumer and not acknowledged yet. */
export type PendingEntry = {
  readonly id: string;
  readonly consumer: string;
  readonly idleMs: number;
  readonly deliveries: number;
};

/** One sink's backlog: entries not read yet (lag) and read but not acknowledged (pending). */
export type SinkBacklog = {
  readonly sink: string;
  readonly pending: number;
  readonly unread: number;
};

export type AlertOutbox = {
  /** Records the transition and appends it when it is one (see enqueueAlertScript). */
  enqueue(record: AlertRecord): Promise<{ id: string | undefined; dropped: number }>;
  /** Entries nobody of the group read yet, now this consumer's (pending until acknowledged). */
  readNew(group: string, consumer: string, count: number): Promise<OutboxEntry[]>;
  /** Pending entries of any consumer of the group idle at least `minIdleMs`, oldest first. */
  pending(group: string, minIdleMs: number, count: number): Promise<PendingEntry[]>;
  /**
   * Takes a pending entry over if it is still idle `minIdleMs` (another replica may have
   * taken it meanwhile: then undefined). A trimmed entry leaves the pending list: undefined.
   */
  claim(
    group: string,
    consumer: string,
    minIdleMs: number,
    entry: PendingEntry,
  ): Promise<OutboxEntry | undefined>;
  ack(group: string, id: string): Promise<void>;
  backlog(group: string): Promise<SinkBacklog>;
  readonly keys: { readonly stream: string; readonly firing: string; readonly delivery: string };
};

type StreamEntry = [id: string, fields: string[] | null];

function payloadOf(fields: string[] | null): string | undefined {
  if (!fields) return undefined;
  for (let index = 0; index + 1 < fields.length; index += 2)
    if (fields[index] === 'payload') return fields[index + 1];
  return undefined;
}

/** The Redis side of alert delivery for one service (`source`): stream, consumer groups, counters. */
export function AlertOutbox(options: {
  redis: Redis;
  source: string;
  maxLength: number;
  groups: readonly string[];
}): AlertOutbox {
  const { redis } = options;
  const keys = {
    stream: RedisKeys.alertOutbox(options.source),
    firing: RedisKeys.alertFiring(options.source),
    delivery: RedisKeys.alertDelivery(options.source),
  };
  const ensureGroup = async (group: string) => {
    try {
      await redis.xgroup('CREATE', keys.stream, group, '$', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error;
    }
  };
  /** Runs a group command; after a data loss (no group) the group is made again at the end. */
  const withGroup = async <T>(group: string, command: () => Promise<T>): Promise<T> => {
    try {
      return await command();
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOGROUP')) throw error;
      await ensureGroup(group);
      return await command();
    }
  };

  return {
    keys,
    async enqueue(record) {
      const reply = (await enqueueAlertScript.run(
        redis,
        [keys.stream, keys.firing, keys.delivery],
        [record.key, record.state, options.maxLength, JSON.stringify(record), ...options.groups],
      )) as [string, number];
      return { id: reply[0] === '' ? undefined : reply[0], dropped: Number(reply[1]) };
    },
    async readNew(group, consumer, count) {
      const reply = (await withGroup(group, () =>
        redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', keys.stream, '>'),
      )) as Array<[string, StreamEntry[]]> | null;
      const entries = reply?.[0]?.[1] ?? [];
      return entries.map(([id, fields]) => ({
        id,
        event: parseAlertEntry(id, payloadOf(fields)),
        deliveries: 1,
      }));
    },
    async pending(group, minIdleMs, count) {
      const reply = (await withGroup(group, () =>
        redis.xpending(keys.stream, group, 'IDLE', minIdleMs, '-', '+', count),
      )) as Array<[string, string, number, number]>;
      return reply.map(([id, consumer, idleMs, deliveries]) => ({
        id,
        consumer,
        idleMs: Number(idleMs),
        deliveries: Number(deliveries),
      }));
    },
    async claim(group, consumer, minIdleMs, entry) {
      const reply = (await redis.xclaim(
        keys.stream,
        group,
        consumer,
        minIdleMs,
        entry.id,
      )) as StreamEntry[];
      const claimed = reply.find((item) => item?.[0] === entry.id);
      if (!claimed) return undefined;
      return {
        id: entry.id,
        event: parseAlertEntry(entry.id, payloadOf(claimed[1])),
        deliveries: entry.deliveries + 1,
      };
    },
    async ack(group, id) {
      await redis.xack(keys.stream, group, id);
    },
    async backlog(group) {
      const groups = (await redis.xinfo('GROUPS', keys.stream).catch(() => [])) as unknown[][];
      for (const raw of groups) {
        const fields = new Map<string, unknown>();
        for (let index = 0; index + 1 < raw.length; index += 2)
          fields.set(String(raw[index]), raw[index + 1]);
        if (fields.get('name') !== group) continue;
        const pending = Number(fields.get('pending') ?? 0);
        const lag = fields.get('lag');
        let unread = typeof lag === 'number' ? lag : Number.NaN;
        if (!Number.isFinite(unread)) {
          const read = fields.get('last-delivered-id');
          const after = typeof read === 'string' ? read : '0-0';
          const rest = await redis.xrange(
            keys.stream,
            `(${after}`,
            '+',
            'COUNT',
            options.maxLength,
          );
          unread = rest.length;
        }
        return { sink: group, pending, unread };
      }
      return { sink: group, pending: 0, unread: 0 };
    },
  };
}
