import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { deadline } from '../async/deadline.js';
import type { AlertOutbox, OutboxEntry } from './alert-outbox.js';
import { retryDue, retryIdleMs, type RetryPolicy } from './retry-policy.js';
import { DeliveryRefused, type AlertSink } from './sinks/alert-sink.js';

export type DrainSettings = RetryPolicy & {
  /** Entries read or claimed per pass. */
  readonly batch: number;
  /** How often the outbox is looked at when nothing woke the drain. */
  readonly pollMs: number;
  /** Refusals of one alert (4xx, DingTalk error code) after which it is given up, loudly. */
  readonly maxRefusals: number;
};

/** What became of one delivery attempt of one alert to one sink. */
export type AlertDeliveryResult = 'delivered' | 'failed' | 'refused' | 'given_up';

export type SinkDrain = {
  /** Look at the outbox now (an alert was just appended here). */
  wake(): void;
  stop(): Promise<void>;
};

/**
 * Delivers one sink's alerts from the outbox, as one consumer (this replica) of the
 * sink's consumer group. Each pass first retries pending entries that are due — its own
 * failed ones and those a dead or stalled replica left behind — taking each over with
 * XCLAIM at the idle time its backoff needs (two replicas never take the same one; the
 * replica that failed an entry waits two polls longer, so another replica that reaches
 * the sink delivers it first), then
 * reads new entries. Entries are tried oldest first; a failure that is not a refusal
 * ends the pass (the sink is likely down: the rest wait their turn, pending). An entry is
 * acknowledged once the sink took it: at least once, never lost while Redis keeps it.
 */
export function SinkDrain(options: {
  sink: AlertSink;
  outbox: AlertOutbox;
  redis: Redis;
  consumer: string;
  settings: DrainSettings;
  logger: Logger;
  onDelivery?: (sink: string, result: AlertDeliveryResult) => void;
}): SinkDrain {
  const { sink, outbox, redis, consumer, settings } = options;
  // An entry this replica failed waits this much longer for it: another replica that can
  // reach the sink (it polls every pollMs) takes it over first.
  const handoffMs = 2 * settings.pollMs;
  const observe = (result: AlertDeliveryResult) => options.onDelivery?.(sink.name, result);
  const logger = options.logger.child({ sink: sink.name });
  const controller = new AbortController();
  const signal = controller.signal;
  let wake: (() => void) | undefined;
  let woken = false;

  const recordFailure = async (error: string) => {
    await redis
      .multi()
      .hincrby(outbox.keys.delivery, 'failed_attempts', 1)
      .hset(outbox.keys.delivery, {
        last_failure: `${sink.name}: ${error}`.slice(0, 300),
        last_failure_time: Date.now(),
        last_failure_sink: sink.name,
      })
      .exec();
  };

  /** Tries one entry; false when the sink failed (not refused) and the pass should end. */
  const attempt = async (entry: OutboxEntry): Promise<boolean> => {
    if (!entry.event) {
      logger.error(
        { id: entry.id },
        'unreadable alert in the outbox: acknowledged without delivery',
      );
      await outbox.ack(sink.name, entry.id);
      return true;
    }
    const event = entry.event;
    const context = { id: entry.id, key: event.key, state: event.state, attempt: entry.deliveries };
    const limit = deadline(signal, settings.attemptTimeoutMs);
    try {
      await sink.send(event, limit.signal);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const refused = error instanceof DeliveryRefused;
      await recordFailure(message);
      observe(refused ? 'refused' : 'failed');
      if (refused && entry.deliveries >= settings.maxRefusals) {
        await outbox.ack(sink.name, entry.id);
        await redis.hincrby(outbox.keys.delivery, 'refused', 1);
        observe('given_up');
        logger.error(
          { ...context, error: message, alert: event.kind, message: event.message },
          'ALERT NOT DELIVERED: the receiver refused it every time; given up',
        );
        return true;
      }
      logger.warn(
        {
          ...context,
          error: message,
          retryInMs: retryIdleMs(settings, entry.deliveries),
        },
        refused ? 'alert refused by the receiver: retrying' : 'alert delivery failed: retrying',
      );
      return refused;
    } finally {
      limit.clear();
    }
    await outbox.ack(sink.name, entry.id);
    await redis.hincrby(outbox.keys.delivery, 'delivered', 1);
    observe('delivered');
    logger.info({ ...context, alert: event.kind }, 'alert delivered');
    return true;
  };

  const pass = async () => {
    const minIdle = retryIdleMs(settings, 1);
    for (const entry of await outbox.pending(sink.name, minIdle, settings.batch)) {
      if (signal.aborted) return;
      const handoff = entry.consumer === consumer ? handoffMs : 0;
      if (!retryDue(settings, entry.deliveries, entry.idleMs, handoff)) continue;
      const claimed = await outbox.claim(
        sink.name,
        consumer,
        retryIdleMs(settings, entry.deliveries) + handoff,
        entry,
      );
      if (!claimed) continue;
      if (entry.consumer !== consumer)
        logger.info(
          { id: entry.id, from: entry.consumer },
          'took over an alert another replica left pending',
        );
      if (!(await attempt(claimed))) return;
    }
    for (;;) {
      if (signal.aborted) return;
      const fresh = await outbox.readNew(sink.name, consumer, settings.batch);
      for (const entry of fresh) {
        // A failed attempt ends the pass; entries read and not tried stay pending (retried in order).
        if (!(await attempt(entry))) return;
      }
      if (fresh.length < settings.batch) return;
    }
  };

  const loop = (async () => {
    while (!signal.aborted) {
      woken = false;
      try {
        await pass();
      } catch (error) {
        if (!signal.aborted) logger.warn({ err: error }, 'alert outbox unreadable: trying again');
      }
      if (woken || signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, settings.pollMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  })();

  return {
    wake() {
      woken = true;
      wake?.();
    },
    async stop() {
      controller.abort();
      wake?.();
      await loop;
    },
  };
}
