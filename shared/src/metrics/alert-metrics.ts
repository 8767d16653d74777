import { Counter, Gauge, type Registry } from 'prom-client';
import type { AlertDeliveryStatus, Alerts } from '../alerts/alerts.js';
import type { AlertDeliveryResult } from '../alerts/sink-drain.js';
import { cachedRead } from './cached-read.js';

const RESULTS: readonly AlertDeliveryResult[] = ['delivered', 'failed', 'refused', 'given_up'];

export type AlertMetrics = {
  /** Give to Alerts as its delivery observer. */
  readonly onDelivery: (sink: string, result: AlertDeliveryResult) => void;
  /** Reports the outbox of these alerts (depth, firing conditions) at each scrape. */
  observe(alerts: Alerts): void;
};

/**
 * Alert delivery of one service: `gateway_alert_deliveries_total{source,sink,result}`
 * counted by this replica's drains (delivered, failed, refused, given_up), and, read from
 * the outbox at scrape time (shared by every replica), `gateway_alert_outbox_depth{source}`,
 * `gateway_alerts_firing{source}` and `gateway_alerts_not_queued{source}`.
 */
export function AlertMetrics(
  registry: Registry,
  source: string,
  onReadError: (error: unknown) => void,
): AlertMetrics {
  const deliveries = new Counter({
    name: 'gateway_alert_deliveries_total',
    help: 'Alert delivery attempts by this replica, by sink and result (delivered, failed, refused, given_up)',
    labelNames: ['source', 'sink', 'result'] as const,
    registers: [registry],
  });
  let read: (() => Promise<AlertStatus | undefined>) | undefined;
  const gauge = (name: string, help: string, pick: (status: AlertStatus) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['source'] as const,
      registers: [registry],
      async collect() {
        const status = await read?.();
        this.reset();
        if (!status) return;
        this.set({ source }, pick(status));
        // Every sink's delivery series exists from the first scrape, at 0.
        for (const { sink } of status.sinks)
          for (const result of RESULTS) deliveries.inc({ source, sink, result }, 0);
      },
    });
  gauge(
    'gateway_alert_outbox_depth',
    'Undelivered alerts in the outbox of the sink furthest behind',
    (status) => status.outboxDepth,
  );
  gauge('gateway_alerts_firing', 'Alert conditions of the service now firing', (s) => s.firing);
  gauge(
    'gateway_alerts_not_queued',
    'Alerts raised by this process and not yet in the outbox (Redis unreachable)',
    (status) => status.notYetQueued,
  );
  return {
    onDelivery(sink, result) {
      deliveries.inc({ source, sink, result });
    },
    observe(alerts) {
      read = cachedRead(() => alerts.status(), {
        ttlMs: 100,
        timeoutMs: 2_000,
        onError: onReadError,
      });
    },
  };
}

type AlertStatus = AlertDeliveryStatus;
