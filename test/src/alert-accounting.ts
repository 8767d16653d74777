import type { ManagedProcess } from '@gateway/testkit';

const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

/** An alert a service process said it raised (read from its log). */
export type RaisedAlert = {
  readonly source: 'health' | 'config-push';
  /** The outbox entry's id (unique within its service's outbox stream). */
  readonly id: string;
  /** What it was about, for the report: `<kind> <node> <firing|resolved>`. */
  readonly what: string;
  readonly process: ManagedProcess;
};

export type AlertAccount = {
  readonly raised: number;
  readonly delivered: number;
  /** Raised (written to the outbox) and never delivered. */
  readonly lost: readonly RaisedAlert[];
};

/**
 * The alerts a service process raised: the shared alert module logs `ALERT: …` (firing) or
 * `RESOLVED: …` with the outbox entry's `id` once the entry is in the Redis outbox, and only
 * then. Each is owed one delivery at least, whoever drains it (the raiser may be killed).
 */
export function raisedAlerts(
  source: RaisedAlert['source'],
  process: ManagedProcess,
): RaisedAlert[] {
  const raised: RaisedAlert[] = [];
  for (const line of process.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const msg = text(entry['msg']);
    const id = text(entry['id']);
    if (id === '' || !/^(ALERT|RESOLVED): /.test(msg)) continue;
    const state = msg.startsWith('ALERT: ') ? 'firing' : 'resolved';
    raised.push({
      source,
      id,
      what: `${text(entry['alert'])} ${text(entry['node'])} ${state}`,
      process,
    });
  }
  return raised;
}

/**
 * Matches raised alerts against what the webhook receiver got (`gateway.alert.v1` bodies
 * carry the source and the outbox entry id): every raised alert must have arrived at least
 * once; duplicates (at-least-once delivery) are fine.
 */
export function accountAlerts(
  raised: readonly RaisedAlert[],
  /** The JSON bodies the webhook receiver got. */
  received: ReadonlyArray<Record<string, unknown>>,
): AlertAccount {
  const delivered = new Set(received.map((body) => `${text(body['source'])} ${text(body['id'])}`));
  const lost = raised.filter((alert) => !delivered.has(`${alert.source} ${alert.id}`));
  return { raised: raised.length, delivered: received.length, lost };
}
