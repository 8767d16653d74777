import type { HealthStatusName } from '@gateway/shared';

/** A node's UP/DOWN transition, as alerts tell it. */
export type Alert = {
  readonly ip: string;
  readonly label: string;
  readonly healthUrl: string;
  readonly status: HealthStatusName;
  /** undefined for a node's first status. */
  readonly previous: HealthStatusName | undefined;
  /** Epoch ms. */
  readonly time: number;
  readonly reason: string;
  readonly trigger: string;
  readonly reporter: string;
  readonly consecutiveFailures: number;
  /** The health replica that saw the transition. */
  readonly replica: string;
};

/** A destination for alerts. `send` throws when the destination did not accept it. */
export type AlertSink = {
  readonly name: string;
  send(alert: Alert, signal: AbortSignal): Promise<void>;
};

/** One line a human reads: "Nginx node 10.0.0.1 (master) is DOWN: connection refused". */
export function alertHeadline(alert: Alert): string {
  const label = alert.label ? ` (${alert.label})` : '';
  return alert.status === 'DOWN'
    ? `Nginx node ${alert.ip}${label} is DOWN: ${alert.reason}`
    : `Nginx node ${alert.ip}${label} is UP again: ${alert.reason}`;
}
