/** An address as Sentinel announces it. */
export type MasterAddress = { readonly host: string; readonly port: number };

/**
 * What a Sentinel event means for a client of one master:
 * - `master-down` / `master-up`: a quorum of Sentinels judges the master down (a
 *   failover follows) / no longer down;
 * - `failover-started`: the master is being replaced: a write sent to it from now on
 *   may be lost, so writes hold until the switch;
 * - `failover-aborted`: the failover stopped before a switch (the master stays);
 * - `switched`: Sentinel names a new master (`+switch-master`).
 */
export type SentinelEvent =
  | { readonly kind: 'master-down' | 'master-up' }
  | { readonly kind: 'failover-started'; readonly reason: string }
  | { readonly kind: 'failover-aborted'; readonly reason: string }
  | { readonly kind: 'switched'; readonly from: MasterAddress; readonly to: MasterAddress };

/** Channels whose event means a failover of the master has begun. */
const STARTED = new Set([
  '+try-failover',
  '+elected-leader',
  '+failover-state-select-slave',
  '+selected-slave',
  '+failover-state-send-slaveof-noone',
  '+failover-state-wait-promotion',
  '+promoted-slave',
  '+failover-state-reconf-slaves',
  '+failover-detected',
]);

/**
 * Reads one message of Sentinel's Pub/Sub (channel = event name) for the master
 * `masterName`; undefined for events of other masters or that change nothing here.
 * Formats (Sentinel documentation): `+switch-master <name> <old-ip> <old-port>
 * <new-ip> <new-port>`; a master's event `master <name> <ip> <port> [...]`; another
 * instance's event `<type> <name> <ip> <port> @ <master-name> <master-ip> <master-port>`.
 */
export function parseSentinelEvent(
  channel: string,
  message: string,
  masterName: string,
): SentinelEvent | undefined {
  const words = message.trim().split(/\s+/);
  if (channel === '+switch-master') {
    if (words.length < 5 || words[0] !== masterName) return undefined;
    const from = { host: words[1], port: Number(words[2]) };
    const to = { host: words[3], port: Number(words[4]) };
    if (!Number.isInteger(from.port) || !Number.isInteger(to.port)) return undefined;
    return { kind: 'switched', from, to };
  }
  if (eventMaster(words) !== masterName) return undefined;
  if (words[0] === 'master' && channel === '+odown') return { kind: 'master-down' };
  if (words[0] === 'master' && channel === '-odown') return { kind: 'master-up' };
  if (STARTED.has(channel)) return { kind: 'failover-started', reason: channel };
  if (channel.startsWith('-failover-abort')) return { kind: 'failover-aborted', reason: channel };
  return undefined;
}

function eventMaster(words: readonly string[]): string | undefined {
  const at = words.indexOf('@');
  if (at >= 0) return words[at + 1];
  return words[0] === 'master' ? words[1] : undefined;
}

/** `host:port` as ioredis' natMap keys it. */
export function addressKey(address: MasterAddress): string {
  return `${address.host}:${address.port}`;
}
