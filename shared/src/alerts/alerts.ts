import type { Redis } from 'ioredis';
import { Agent } from 'undici';
import type { Logger } from 'pino';
import { AlertOutbox, type SinkBacklog } from './alert-outbox.js';
import { alertRecord, type AlertRecord } from './alert-record.js';
import type { AlertInput, AlertState } from './alert.js';
import { alertSinks, type AlertSettings } from './alert-config.js';
import { SinkDrain, type AlertDeliveryResult } from './sink-drain.js';

/** What status RPCs show of alert delivery. */
export type AlertDeliveryStatus = {
  /** Undelivered entries of the sink furthest behind (read or not). */
  readonly outboxDepth: number;
  readonly sinks: readonly SinkBacklog[];
  /** Conditions of this service now firing. */
  readonly firing: number;
  readonly delivered: number;
  readonly failedAttempts: number;
  /** Alerts given up after the receiver refused them every time. */
  readonly refused: number;
  /** Undelivered alerts the outbox cap trimmed. */
  readonly dropped: number;
  readonly lastFailure: string;
  /** Epoch ms; undefined when no delivery ever failed. */
  readonly lastFailureTime: number | undefined;
  /** Alerts raised by this process and not in the outbox yet (Redis unreachable). */
  readonly notYetQueued: number;
};

export type Alerts = {
  /** The condition `key` is happening: one alert per transition, however often it is fired. */
  fire(alert: AlertInput): void;
  /** The condition `key` is over: one recovery if it was firing, nothing otherwise. */
  resolve(alert: AlertInput): void;
  /** Resolves once everything fired or resolved so far is in the outbox (or dropped at stop). */
  queued(): Promise<void>;
  status(): Promise<AlertDeliveryStatus>;
  /** Waits up to `graceMs` for alerts to reach the outbox, then stops delivering (what is left stays in it). */
  stop(graceMs: number): Promise<void>;
};

const LOCAL_LIMIT = 10_000;
const DRAIN_BATCH = 16;
const OVERFLOW_KEY = 'alerts:outbox-overflow';

/**
 * Alert delivery of one service (`source`): durable and at least once. `fire`/`resolve`
 * never wait: the transition goes, in order, into a bounded local queue that a worker
 * writes to the Redis outbox (a stream; the write also records the transition, so a
 * repeat is never queued twice), retrying while Redis is away. Every replica drains the
 * outbox for every sink (see SinkDrain): an alert raised by a replica that dies is
 * delivered by another, or by itself after restarting.
 */
export function Alerts(options: {
  redis: Redis;
  source: string;
  replica: string;
  settings: AlertSettings;
  logger: Logger;
  /** Told of every delivery attempt this replica makes (metrics). */
  onDelivery?: (sink: string, result: AlertDeliveryResult) => void;
}): Alerts {
  const { redis, source, replica, settings } = options;
  const logger = options.logger.child({ alerts: source });
  const httpAgent = new Agent({
    connect: { timeout: settings.attemptTimeoutMs },
    keepAliveTimeout: 4_000,
  });
  const sinks = alertSinks(settings, httpAgent);
  const outbox = AlertOutbox({
    redis,
    source,
    maxLength: settings.outboxMaxLength,
    groups: sinks.map((sink) => sink.name),
  });
  const drainSettings = { ...settings, batch: DRAIN_BATCH };
  const drains = sinks.map((sink) =>
    SinkDrain({
      sink,
      outbox,
      redis,
      consumer: replica,
      settings: drainSettings,
      logger,
      onDelivery: options.onDelivery,
    }),
  );
  logger.info(
    { sinks: sinks.map((sink) => sink.name), outboxCap: settings.outboxMaxLength },
    sinks.length > 0
      ? 'alerts go to the outbox and on to the sinks'
      : 'no alert sink configured: alerts are logged and kept in the outbox only',
  );
  const local: AlertRecord[] = [];
  let idle: Promise<void> = Promise.resolve();
  let release: (() => void) | undefined;
  let running = false;
  let stopped = false;
  let overflowing = false;

  const write = async (record: AlertRecord): Promise<void> => {
    const { id, dropped } = await outbox.enqueue(record);
    const context = {
      key: record.key,
      alert: record.kind,
      node: record.node,
      revision: record.revision,
    };
    if (id === undefined) {
      logger.debug({ ...context, state: record.state }, 'alert state unchanged: nothing queued');
    } else if (record.state === 'firing') {
      logger.error({ ...context, id }, `ALERT: ${record.message}`);
    } else {
      logger.warn({ ...context, id }, `RESOLVED: ${record.message}`);
    }
    if (id !== undefined) for (const drain of drains) drain.wake();
    if (dropped > 0) {
      overflowing = true;
      logger.error(
        { dropped, cap: settings.outboxMaxLength },
        'alert outbox full: undelivered alerts trimmed',
      );
      enqueue(
        {
          key: OVERFLOW_KEY,
          kind: 'alert_outbox_overflow',
          message: `the ${source} alert outbox reached its cap of ${settings.outboxMaxLength} entries: ${dropped} undelivered alert(s) were trimmed`,
        },
        'firing',
      );
    } else if (overflowing && id !== undefined && record.key !== OVERFLOW_KEY) {
      const backlog = await Promise.all(sinks.map((sink) => outbox.backlog(sink.name)));
      if (backlog.every((entry) => entry.pending + entry.unread < settings.outboxMaxLength / 2)) {
        overflowing = false;
        enqueue(
          {
            key: OVERFLOW_KEY,
            kind: 'alert_outbox_overflow',
            message: `the ${source} alert outbox is below half its cap again`,
          },
          'resolved',
        );
      }
    }
  };

  const worker = async () => {
    running = true;
    while (local.length > 0) {
      try {
        await write(local[0]);
        local.shift();
      } catch (error) {
        if (stopped) break;
        logger.warn(
          { err: error, waiting: local.length },
          'cannot queue an alert in Redis: retrying in 1 s',
        );
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    running = false;
    release?.();
  };

  const enqueue = (input: AlertInput, state: AlertState) => {
    let record: AlertRecord;
    try {
      record = alertRecord(input, state, { source, replica, time: Date.now() });
    } catch (error) {
      logger.error({ err: error, alert: input.kind }, 'alert not raised: invalid');
      return;
    }
    if (stopped) {
      logger.error(
        { key: record.key, alert: record.kind, state },
        `ALERT raised while stopping, not queued: ${record.message}`,
      );
      return;
    }
    if (local.length >= LOCAL_LIMIT) {
      const lost = local.shift()!;
      logger.error(
        { key: lost.key, alert: lost.kind },
        `ALERT LOST (Redis unreachable, local queue full): ${lost.message}`,
      );
    }
    local.push(record);
    if (!running) {
      idle = new Promise<void>((resolve) => (release = resolve));
      void worker();
    }
  };

  return {
    fire: (alert) => enqueue(alert, 'firing'),
    resolve: (alert) => enqueue(alert, 'resolved'),
    queued: () => idle,
    async status() {
      const [backlog, firing, counters] = await Promise.all([
        Promise.all(sinks.map((sink) => outbox.backlog(sink.name))),
        redis.hlen(outbox.keys.firing),
        redis.hgetall(outbox.keys.delivery),
      ]);
      const lastFailureTime = Number(counters['last_failure_time'] ?? 0);
      return {
        outboxDepth: Math.max(0, ...backlog.map((entry) => entry.pending + entry.unread)),
        sinks: backlog,
        firing,
        delivered: Number(counters['delivered'] ?? 0),
        failedAttempts: Number(counters['failed_attempts'] ?? 0),
        refused: Number(counters['refused'] ?? 0),
        dropped: Number(counters['dropped'] ?? 0),
        lastFailure: counters['last_failure'] ?? '',
        lastFailureTime: lastFailureTime > 0 ? lastFailureTime : undefined,
        notYetQueued: local.length,
      };
    },
    async stop(graceMs) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([idle, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      stopped = true;
      if (local.length > 0)
        logger.error(
          { count: local.length },
          'stopping with alerts not in the outbox (Redis unreachable): they are lost',
        );
      await Promise.all(drains.map((drain) => drain.stop()));
      await httpAgent.close().catch(() => undefined);
    },
  };
}
