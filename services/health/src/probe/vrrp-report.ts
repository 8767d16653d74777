/** The VRRP state a node reported in its /healthz body (written there by vrrp-notify.sh). */
export type VrrpReport = {
  readonly state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';
  readonly instance: string;
  /** Epoch ms when the node entered the state (the node's clock). */
  readonly changeTime: number;
};

/** "<state> <instance> <priority> <epoch-ms>", the line deploy/keepalived/vrrp-notify.sh writes. */
const LINE = /^(MASTER|BACKUP|FAULT|STOP) ([A-Za-z0-9_.-]{1,64}) \d{1,3} (\d{1,15})$/;

/**
 * Reads the VRRP state from a /healthz body: its first line, when it is a vrrp-state
 * line. Any other body ("ok": a node without keepalived's notify script) reports none.
 */
export function parseVrrpReport(body: string): VrrpReport | undefined {
  const match = LINE.exec(body.split('\n', 1)[0]?.trim() ?? '');
  if (!match) return undefined;
  return {
    state: match[1] as VrrpReport['state'],
    instance: match[2],
    changeTime: Number(match[3]),
  };
}
