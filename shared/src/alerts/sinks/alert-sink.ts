import type { AlertEvent } from '../alert.js';

/** A destination for alerts. `send` throws when the destination did not take the alert. */
export type AlertSink = {
  /** Also the name of the sink's consumer group on the outbox: stable across replicas. */
  readonly name: string;
  send(event: AlertEvent, signal: AbortSignal): Promise<void>;
};

/**
 * The receiver answered and refused this alert (HTTP 4xx other than 408/429, a DingTalk
 * error code other than rate limiting): retrying the same alert is unlikely to help.
 * Any other error (unreachable, timeout, 5xx, rate limited) is worth retrying.
 */
export class DeliveryRefused extends Error {
  override readonly name = 'DeliveryRefused';
}

/** A refusal for a 4xx answer that will not change by retrying; otherwise a plain (retryable) error. */
export function httpFailure(sink: string, status: number, text: string): Error {
  const message = `${sink} answered HTTP ${status}: ${text.slice(0, 200)}`;
  return status >= 400 && status < 500 && status !== 408 && status !== 429
    ? new DeliveryRefused(message)
    : new Error(message);
}
