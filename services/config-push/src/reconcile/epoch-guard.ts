import { compareEpochs } from '@gateway/shared';

/** What decides whether a config of a newer store epoch may replace what a node runs. */
export type EpochGuardInput = {
  /** The config to push: its store epoch and `server` lines. */
  readonly target: { readonly epoch: string; readonly servers: number };
  /** What the node says it runs (apply script `status`), not Redis's copy (lost with the data). */
  readonly node: { readonly epoch: string; readonly servers: number };
  /** PushNow with force: an admin accepts the drop. */
  readonly force: boolean;
  /** Refuse when fewer than this share of the node's servers remain... */
  readonly minShare: number;
  /** ... and at least this many went away at once. */
  readonly minRemoved: number;
  /** How long after a new epoch was first seen its renders may still be incomplete. */
  readonly settleMs: number;
  /** When this process first saw the target's epoch (epoch ms). */
  readonly epochSeenAt: number;
  readonly now: number;
};

export type EpochGuardDecision =
  | { readonly push: true }
  | { readonly push: false; readonly retryAt: number; readonly message: string };

/**
 * The drop guard across a store epoch change. After Redis lost its data the registrars
 * register again over some seconds, so the first renders of the new epoch hold only some
 * of the servers: pushing them would cut the nodes' routes to the others. The baseline is
 * what the node runs (its own report), since the desired config and applied records in
 * Redis were lost with the data. A config that keeps fewer than `minShare` of the node's
 * servers (and removes at least `minRemoved`) waits until `settleMs` after the new epoch
 * was first seen, or until forced; one that keeps enough goes at once. Within one epoch
 * this guard does not apply (the render guard compares with the last accepted config).
 */
export function decideEpochPush(input: EpochGuardInput): EpochGuardDecision {
  const { target, node } = input;
  // Same epoch: the ordinary fence and render guard apply. A node on a newer epoch refuses by itself.
  if (compareEpochs(target.epoch, node.epoch) <= 0) return { push: true };
  if (input.force || node.servers === 0) return { push: true };
  const removed = node.servers - target.servers;
  const tooFew = removed >= input.minRemoved && target.servers < node.servers * input.minShare;
  const settleEnd = input.epochSeenAt + input.settleMs;
  if (!tooFew || input.now >= settleEnd) return { push: true };
  return {
    push: false,
    retryAt: settleEnd,
    message: `the node runs ${node.servers} servers and the render of the new store epoch has only ${target.servers} (floor ${Math.round(
      input.minShare * 100,
    )}%): held back while the registrars register again, until ${new Date(
      settleEnd,
    ).toISOString()} (CONFIG_PUSH_DROP_GUARD_SETTLE) or PushNow with force=true`,
  };
}
