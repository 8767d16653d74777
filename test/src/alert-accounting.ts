import type { ManagedProcess } from '@gateway/testkit';

const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

/** An alert a service process said it raised (read from its log). */
export type RaisedAlert = {
  readonly source: 'health' | 'config-push';
  /** What identifies it in a webhook body: health "<ip> <status>", config-push "<kind> <node>". */
  readonly key: string;
  readonly process: ManagedProcess;
  /** When it was raised (the log line's time, epoch ms). */
  readonly at: number;
};

export type AlertAccount = {
  readonly raised: number;
  readonly delivered: number;
  /** Raised, not delivered, by a process SIGKILLed before its delivery could end. */
  readonly killedBeforeDelivery: number;
  /** Raised, not delivered, by a process that lived on: lost. */
  readonly lost: readonly RaisedAlert[];
};

/**
 * The alerts that service processes logged as raised: health logs each status transition
 * (an alert is sent for every DOWN and every recovery from DOWN), config-push logs
 * `ALERT: …` for each alert it sends.
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
    const at = Number(entry['time'] ?? 0);
    if (source === 'health' && /^node \S+ is (UP|DOWN)$/.test(msg)) {
      if (entry['status'] === 'DOWN' || entry['previous'] === 'DOWN')
        raised.push({
          source,
          key: `${text(entry['ip'])} ${text(entry['status'])}`,
          process,
          at,
        });
    }
    if (source === 'config-push' && msg.startsWith('ALERT: ')) {
      raised.push({
        source,
        key: `${text(entry['alert'])} ${text(entry['node'])}`,
        process,
        at,
      });
    }
  }
  return raised;
}

function deliveredKey(body: Record<string, unknown>): string {
  if (body['source'] === 'config-push')
    return `config-push ${text(body['kind'])} ${text(body['node'])}`;
  return `health ${text(body['ip'])} ${text(body['status'])}`;
}

/**
 * Matches raised alerts against what the webhook receiver got (per key, as many deliveries
 * as raises). Today's delivery lives in the raising process's memory, so an alert whose
 * process was SIGKILLed (`killedAt`) within `deliveryWindowMs` of raising it is excused when
 * it is missing — unless `durable` (an outbox in Redis that any replica drains), when every
 * raised alert must arrive.
 */
export function accountAlerts(
  raised: readonly RaisedAlert[],
  /** The JSON bodies the webhook receiver got. */
  received: ReadonlyArray<Record<string, unknown>>,
  killedAt: ReadonlyMap<ManagedProcess, number>,
  options: { durable: boolean; deliveryWindowMs: number },
): AlertAccount {
  const deliveries = new Map<string, number>();
  for (const alert of received) {
    const key = deliveredKey(alert);
    deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
  }
  let killedBeforeDelivery = 0;
  const lost: RaisedAlert[] = [];
  for (const alert of raised) {
    const key = `${alert.source} ${alert.key}`;
    const left = deliveries.get(key) ?? 0;
    if (left > 0) {
      deliveries.set(key, left - 1);
      continue;
    }
    const killed = killedAt.get(alert.process);
    if (!options.durable && killed !== undefined && killed - alert.at < options.deliveryWindowMs)
      killedBeforeDelivery += 1;
    else lost.push(alert);
  }
  return { raised: raised.length, delivered: received.length, killedBeforeDelivery, lost };
}
