import type { NodeView } from '../output/views.js';

/**
 * Who holds the VIP, as far as the nodes tell: each node's /healthz body carries its
 * VRRP state (written by keepalived's notify script), recorded by health's probes. The
 * holder is the UP, freshly probed node in state MASTER; two are a split brain; none is
 * "not known" with the reason.
 */
export type VipStatus = {
  /** The nodes that hold the VIP (one normally; more is a split brain). */
  holders: string[];
  /** Why no holder is named, or a warning about the ones named ('' when all is well). */
  note: string;
};

export function vipHolder(nodes: readonly NodeView[]): VipStatus {
  const reporting = nodes.filter((node) => node.vrrp !== undefined);
  if (reporting.length === 0)
    return {
      holders: [],
      note: 'not known: no node reports its VRRP state in /healthz',
    };
  const holders = reporting
    .filter((node) => node.vrrp?.state === 'MASTER' && node.status === 'UP' && !node.stale)
    .map((node) => node.ip);
  if (holders.length > 1)
    return { holders, note: `split brain: ${holders.join(', ')} all say MASTER` };
  if (holders.length === 1) return { holders, note: '' };
  return { holders, note: 'not known: no UP node reports MASTER' };
}
