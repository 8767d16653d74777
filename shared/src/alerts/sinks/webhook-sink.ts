import { request, type Dispatcher } from 'undici';
import { alertHeadline, type AlertEvent } from '../alert.js';
import { httpFailure, type AlertSink } from './alert-sink.js';

/** The generic webhook body (`schema` names its version). */
export function webhookPayload(event: AlertEvent): Record<string, unknown> {
  return {
    schema: 'gateway.alert.v1',
    id: event.id,
    source: event.source,
    replica: event.replica,
    key: event.key,
    kind: event.kind,
    state: event.state,
    message: event.message,
    summary: alertHeadline(event),
    node: event.node ?? null,
    revision: event.revision ?? null,
    details: event.details ?? {},
    time: new Date(event.time).toISOString(),
  };
}

/** POSTs the alert as JSON; any 2xx answer is a delivery. */
export function WebhookSink(options: {
  url: string;
  name: string;
  dispatcher: Dispatcher;
}): AlertSink {
  return {
    name: options.name,
    async send(event, signal) {
      const response = await request(options.url, {
        method: 'POST',
        dispatcher: options.dispatcher,
        signal,
        headers: { 'content-type': 'application/json', 'user-agent': 'gateway-alerts' },
        body: JSON.stringify(webhookPayload(event)),
      });
      const text = (await response.body.text()).slice(0, 200);
      if (response.statusCode < 200 || response.statusCode >= 300)
        throw httpFailure(options.name, response.statusCode, text);
    },
  };
}
