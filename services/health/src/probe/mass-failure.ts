/** When a round's failures are too many to trust without a second look. */
export type MassFailurePolicy = {
  /** Share of a round's nodes (0-1) whose failure makes it a mass failure; 0 turns the check off. */
  readonly share: number;
  /** Rounds over fewer nodes are never mass failures (one node failing says nothing of the prober). */
  readonly minNodes: number;
};

/** How many failures make a round of `total` nodes a mass failure (Infinity: it cannot be one). */
export function massFailureCount(policy: MassFailurePolicy, total: number): number {
  if (policy.share <= 0 || total < policy.minNodes) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.ceil(total * policy.share - 1e-9));
}

/** True once `healthy` results leave too few nodes for the round to be a mass failure. */
export function massFailureRuledOut(
  policy: MassFailurePolicy,
  total: number,
  healthy: number,
): boolean {
  return total - healthy < massFailureCount(policy, total);
}

/** What another health replica saw when asked to probe the failed nodes. */
export type PeerView = {
  readonly replica: string;
  readonly healthy: readonly string[];
  readonly failed: readonly string[];
};

/**
 * What happens to one failed node of a mass failure: `confirmed` (applied as a failure),
 * `recovered` (this replica's own re-probe succeeded: that result is applied),
 * `contradicted` (another replica reaches it: this replica is the one cut off; the
 * status is kept and marked unconfirmed), `isolated` (nobody else answered and this
 * replica's own connectivity check failed: same).
 */
export type FailureVerdict =
  | { readonly ip: string; readonly verdict: 'confirmed' | 'recovered' | 'isolated' }
  | { readonly ip: string; readonly verdict: 'contradicted'; readonly by: readonly string[] };

export function judgeMassFailure(input: {
  failed: readonly string[];
  /** This replica's re-probe of the failed nodes after a short delay (ip → healthy). */
  recheck: ReadonlyMap<string, boolean>;
  peers: readonly PeerView[];
  /** This replica's own connectivity check: undefined when none is configured. */
  connectivityOk: boolean | undefined;
}): FailureVerdict[] {
  return input.failed.map((ip): FailureVerdict => {
    const reachedBy = input.peers
      .filter((peer) => peer.healthy.includes(ip))
      .map((peer) => peer.replica);
    if (reachedBy.length > 0) return { ip, verdict: 'contradicted', by: reachedBy };
    if (input.recheck.get(ip) === true) return { ip, verdict: 'recovered' };
    const seenByPeers = input.peers.some((peer) => peer.failed.includes(ip));
    if (!seenByPeers && input.connectivityOk === false) return { ip, verdict: 'isolated' };
    return { ip, verdict: 'confirmed' };
  });
}
