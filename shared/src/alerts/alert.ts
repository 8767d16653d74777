/** Whether the condition an alert names is happening (firing) or over (resolved). */
export type AlertState = 'firing' | 'resolved';

/** A value of an alert's details: short, flat, JSON-safe. */
export type AlertDetail = string | number | boolean | null;

/** What a caller fires or resolves. */
export type AlertInput = {
  /**
   * The condition: one firing alert and one recovery per transition of this key
   * (e.g. `push:connect:10.0.0.1`). 1-200 printable characters.
   */
  readonly key: string;
  /** What happened, machine-readable (e.g. `push_connect_failed`, `node_down`). */
  readonly kind: string;
  /** One line a human reads. */
  readonly message: string;
  readonly node?: string;
  readonly revision?: number;
  readonly details?: Readonly<Record<string, AlertDetail>>;
};

/** One alert as stored in the outbox and delivered to every sink. */
export type AlertEvent = AlertInput & {
  /** The outbox entry id (Redis stream id): orders the alerts of one service. */
  readonly id: string;
  readonly state: AlertState;
  /** The service that raised it (`health`, `config-push`). */
  readonly source: string;
  /** The replica that raised it. */
  readonly replica: string;
  /** Epoch ms when it was raised. */
  readonly time: number;
};

/** One line a human reads: "[config-push] FIRING: push to 10.0.0.1 failed …". */
export function alertHeadline(event: AlertEvent): string {
  return `[${event.source}] ${event.state === 'firing' ? 'FIRING' : 'RESOLVED'}: ${event.message}`;
}
