import { delay } from 'abort-controller-x';
import { deadline, type Logger } from '@gateway/shared';

export type AlertKind =
  | 'all_instances_gone'
  | 'drop_guard'
  | 'config_test_failed'
  | 'reload_failed'
  | 'host_key_rejected'
  | 'invalid_instances'
  | 'store_epoch_changed';

/** One alert: what happened, on which node (if any), at which revision. */
export type Alert = {
  readonly kind: AlertKind;
  readonly message: string;
  readonly node?: string;
  readonly revision?: number;
};

export type AlertSink = {
  /** Logs at once and queues the webhook delivery; never waits, never throws. */
  raise(alert: Alert): void;
  /** Deliveries so far (for status and tests). */
  stats(): { delivered: number; failed: number; suppressed: number };
  /** Waits (bounded) for queued deliveries, then stops. */
  close(timeoutMs: number): Promise<void>;
};

const QUEUE_LIMIT = 100;

/**
 * Alerts are logged loudly (error level) and POSTed as JSON to a webhook when one is
 * configured, in the background: each attempt has a timeout, failures are retried a
 * bounded number of times with backoff, the queue is bounded (oldest dropped), and a
 * push never waits for any of it. The same alert (kind, node, message) is not repeated
 * within `repeatMs`.
 */
export function AlertSink(options: {
  webhookUrl: string | undefined;
  timeoutMs: number;
  retries: number;
  repeatMs: number;
  replica: string;
  logger: Logger;
}): AlertSink {
  const { logger } = options;
  const lastSent = new Map<string, number>();
  const queue: Array<Record<string, unknown>> = [];
  const controller = new AbortController();
  let delivered = 0;
  let failed = 0;
  let suppressed = 0;
  let wake: (() => void) | undefined;

  const deliver = async (body: Record<string, unknown>) => {
    for (let attempt = 0; attempt <= options.retries && !controller.signal.aborted; attempt++) {
      const attemptDeadline = deadline(controller.signal, options.timeoutMs);
      try {
        const response = await fetch(options.webhookUrl!, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: attemptDeadline.signal,
        });
        await response.body?.cancel().catch(() => undefined);
        if (response.ok) {
          delivered++;
          return;
        }
        logger.warn(
          { status: response.status, kind: body['kind'], attempt },
          'alert webhook answered an error',
        );
      } catch (error) {
        logger.warn({ err: error, kind: body['kind'], attempt }, 'alert webhook unreachable');
      } finally {
        attemptDeadline.clear();
      }
      if (attempt < options.retries)
        await delay(controller.signal, 500 * 2 ** attempt).catch(() => undefined);
    }
    failed++;
  };

  const worker = (async () => {
    while (!controller.signal.aborted) {
      const next = queue.shift();
      if (next) {
        await deliver(next);
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  })();

  return {
    raise(alert) {
      const key = `${alert.kind}\u0000${alert.node ?? ''}\u0000${alert.message}`;
      const now = Date.now();
      const last = lastSent.get(key);
      if (last !== undefined && now - last < options.repeatMs) {
        suppressed++;
        return;
      }
      lastSent.set(key, now);
      if (lastSent.size > 1_000) lastSent.delete(lastSent.keys().next().value!);
      logger.error(
        { alert: alert.kind, node: alert.node, revision: alert.revision },
        `ALERT: ${alert.message}`,
      );
      if (!options.webhookUrl) return;
      if (queue.length >= QUEUE_LIMIT) {
        queue.shift();
        logger.warn('alert queue full: dropped the oldest alert');
      }
      queue.push({
        source: 'config-push',
        replica: options.replica,
        kind: alert.kind,
        severity: 'critical',
        message: alert.message,
        ...(alert.node !== undefined ? { node: alert.node } : {}),
        ...(alert.revision !== undefined ? { revision: alert.revision } : {}),
        time: new Date(now).toISOString(),
      });
      wake?.();
    },
    stats: () => ({ delivered, failed, suppressed }),
    async close(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      wake?.();
      await worker;
    },
  };
}
