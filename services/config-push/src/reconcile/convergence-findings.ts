import type { HealthStatusName } from '@gateway/shared';

/** What the lease holder knows of one node when it looks at convergence. */
export type NodeFacts = {
  readonly ip: string;
  readonly status: HealthStatusName | undefined;
  /** What the node runs (undefined: never confirmed). */
  readonly applied: { readonly revision: number; readonly hash: string } | undefined;
  /** True when the node's last push attempt failed. */
  readonly lastFailed: boolean;
};

export type ConvergenceFindings = {
  /** UP nodes behind the desired config for at least the lag threshold, with since when. */
  readonly lagging: ReadonlyArray<{ ip: string; since: number; revision: number | undefined }>;
  /** UP nodes that run the desired config. */
  readonly caughtUp: readonly string[];
  /** True when there are nodes and none can be pushed to (every one DOWN, or its last push failed). */
  readonly noPushableNode: boolean;
};

/**
 * Looks at every node against the desired config. `behindSince` (node ip → epoch ms it
 * was first seen behind) is updated in place: set when an UP node is first seen behind,
 * cleared when it catches up or is DOWN (a DOWN node is not pushed, so its lag is the
 * health alert's business, and it is counted again from when it is back UP).
 */
export function convergenceFindings(input: {
  desired: { readonly revision: number; readonly hash: string } | undefined;
  nodes: readonly NodeFacts[];
  behindSince: Map<string, number>;
  now: number;
  lagAfterMs: number;
}): ConvergenceFindings {
  const { desired, nodes, behindSince, now } = input;
  const lagging: Array<{ ip: string; since: number; revision: number | undefined }> = [];
  const caughtUp: string[] = [];
  const present = new Set(nodes.map((node) => node.ip));
  for (const ip of behindSince.keys()) if (!present.has(ip)) behindSince.delete(ip);
  for (const node of nodes) {
    if (node.status !== 'UP' || desired === undefined) {
      behindSince.delete(node.ip);
      continue;
    }
    const runs =
      node.applied !== undefined &&
      node.applied.hash === desired.hash &&
      node.applied.revision >= desired.revision;
    if (runs) {
      behindSince.delete(node.ip);
      caughtUp.push(node.ip);
      continue;
    }
    const since = behindSince.get(node.ip) ?? now;
    behindSince.set(node.ip, since);
    if (now - since >= input.lagAfterMs)
      lagging.push({ ip: node.ip, since, revision: node.applied?.revision });
  }
  const noPushableNode =
    nodes.length > 0 && nodes.every((node) => node.status === 'DOWN' || node.lastFailed);
  return { lagging, caughtUp, noPushableNode };
}
