import { request, type Dispatcher } from 'undici';
import type { Alert, AlertSink } from './alert.js';
import { alertHeadline } from './alert.js';

/** The generic webhook body: the transition as JSON (`kind` names the schema). */
export function webhookPayload(alert: Alert): Record<string, unknown> {
  return {
    kind: 'gateway.health.transition.v1',
    ip: alert.ip,
    label: alert.label,
    healthUrl: alert.healthUrl,
    status: alert.status,
    previous: alert.previous ?? null,
    time: new Date(alert.time).toISOString(),
    reason: alert.reason,
    trigger: alert.trigger,
    reporter: alert.reporter,
    consecutiveFailures: alert.consecutiveFailures,
    replica: alert.replica,
    summary: alertHeadline(alert),
  };
}

/** POSTs the transition as JSON; any 2xx answer is a delivery. */
export function WebhookSink(url: string, dispatcher: Dispatcher, index: number): AlertSink {
  return {
    name: `webhook${index}`,
    async send(alert, signal) {
      const response = await request(url, {
        method: 'POST',
        dispatcher,
        signal,
        headers: { 'content-type': 'application/json', 'user-agent': 'gateway-health' },
        body: JSON.stringify(webhookPayload(alert)),
      });
      const text = (await response.body.text()).slice(0, 200);
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw new Error(`webhook answered HTTP ${response.statusCode}: ${text}`);
      }
    },
  };
}
