import type { Redis } from 'ioredis';
import { readNodesWithStatus } from '@gateway/shared';
import { readDesiredSummary } from '../state/desired-config.js';
import { readAppliedRecords } from '../state/node-records.js';

export type DesiredSummary = {
  readonly epoch: string;
  readonly revision: number;
  readonly hash: string;
  /** Epoch ms when it was accepted. */
  readonly time: number;
};

export type NodeConvergence = {
  readonly ip: string;
  /** What it runs (undefined: never confirmed). */
  readonly appliedRevision: number | undefined;
  readonly appliedTime: number | undefined;
  /** It does not run the desired config (false when there is none). */
  readonly behind: boolean;
  /** Seconds since the desired config it lacks was accepted (0 when not behind). */
  readonly behindSeconds: number;
};

export type Convergence = {
  readonly desired: DesiredSummary | undefined;
  readonly nodes: readonly NodeConvergence[];
};

/** Each node against the desired config, as the convergence watch judges it (same hash, revision not older). */
export function convergenceOf(
  desired: DesiredSummary | undefined,
  nodes: ReadonlyArray<{
    ip: string;
    applied: { revision: number; hash: string; time: number } | undefined;
  }>,
  now: number,
): Convergence {
  return {
    desired,
    nodes: nodes.map(({ ip, applied }) => {
      const behind =
        desired !== undefined &&
        (applied === undefined ||
          applied.hash !== desired.hash ||
          applied.revision < desired.revision);
      return {
        ip,
        appliedRevision: applied?.revision,
        appliedTime: applied?.time,
        behind,
        behindSeconds: behind && desired ? Math.max(0, (now - desired.time) / 1000) : 0,
      };
    }),
  };
}

/** One scrape's read: the nodes, what each runs, the desired config's summary (O(nodes)). */
export async function readConvergence(redis: Redis): Promise<Convergence> {
  const [{ nodes }, applied, desired] = await Promise.all([
    readNodesWithStatus(redis),
    readAppliedRecords(redis),
    readDesiredSummary(redis),
  ]);
  return convergenceOf(
    desired,
    nodes.map((node) => ({ ip: node.spec.ip, applied: applied.get(node.spec.ip) })),
    Date.now(),
  );
}
