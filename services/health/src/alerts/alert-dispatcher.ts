import { delay } from 'abort-controller-x';
import type { Redis } from 'ioredis';
import { deadline, RedisKeys, type Logger } from '@gateway/shared';
import type { Alert, AlertSink } from './alert.js';

export type AlertCounters = { delivered: number; failed: number; retried: number; dropped: number };

export type AlertDispatcher = {
  /** Queues the alert for every sink and returns at once (never blocks a probe). */
  notify(alert: Alert): void;
  /** This process's delivery counters (also added up in Redis, `RedisKeys.healthAlertStats`). */
  counters(): Readonly<AlertCounters>;
  /** Waits up to `graceMs` for deliveries in flight, then cancels the rest. */
  stop(graceMs: number): Promise<void>;
};

const MAX_PENDING = 1_000;

/**
 * Delivers every alert to every sink independently: each attempt bounded by
 * `timeoutMs`, up to `retries` retries with exponential backoff. A delivery that
 * still fails is logged and counted, never thrown.
 */
export function AlertDispatcher(deps: {
  sinks: readonly AlertSink[];
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  redis: Redis;
  logger: Logger;
}): AlertDispatcher {
  const { sinks, logger } = deps;
  const stopController = new AbortController();
  const pending = new Set<Promise<void>>();
  const counters: AlertCounters = { delivered: 0, failed: 0, retried: 0, dropped: 0 };

  const count = (sink: string, outcome: keyof AlertCounters) => {
    counters[outcome]++;
    deps.redis.hincrby(RedisKeys.healthAlertStats, `${sink}:${outcome}`, 1).catch(() => undefined);
  };

  const deliver = async (sink: AlertSink, alert: Alert) => {
    for (let attempt = 0; ; attempt++) {
      const limit = deadline(stopController.signal, deps.timeoutMs);
      try {
        await sink.send(alert, limit.signal);
        limit.clear();
        count(sink.name, 'delivered');
        logger.info(
          { sink: sink.name, ip: alert.ip, status: alert.status, attempt: attempt + 1 },
          'alert delivered',
        );
        return;
      } catch (error) {
        limit.clear();
        const last = attempt >= deps.retries || stopController.signal.aborted;
        const message = error instanceof Error ? error.message : String(error);
        if (last) {
          count(sink.name, 'failed');
          logger.error(
            {
              sink: sink.name,
              ip: alert.ip,
              status: alert.status,
              attempts: attempt + 1,
              error: message,
            },
            'alert delivery FAILED',
          );
          return;
        }
        count(sink.name, 'retried');
        logger.warn(
          {
            sink: sink.name,
            ip: alert.ip,
            status: alert.status,
            attempt: attempt + 1,
            error: message,
          },
          'alert delivery failed: retrying',
        );
        try {
          await delay(stopController.signal, deps.backoffMs * 2 ** attempt);
        } catch {
          count(sink.name, 'failed');
          logger.error(
            { sink: sink.name, ip: alert.ip, status: alert.status },
            'alert delivery abandoned: shutting down',
          );
          return;
        }
      }
    }
  };

  return {
    notify(alert) {
      for (const sink of sinks) {
        if (pending.size >= MAX_PENDING || stopController.signal.aborted) {
          count(sink.name, 'dropped');
          logger.error(
            { sink: sink.name, ip: alert.ip, status: alert.status },
            'alert dropped: too many deliveries pending',
          );
          continue;
        }
        const task = deliver(sink, alert);
        pending.add(task);
        void task.finally(() => pending.delete(task));
      }
    },
    counters: () => ({ ...counters }),
    async stop(graceMs) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...pending]),
        new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
      stopController.abort();
      await Promise.allSettled([...pending]);
    },
  };
}
