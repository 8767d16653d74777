import { compareStamps } from '@gateway/shared';

/** What a cycle pushes, as far as ordering goes: the store stamp and the content's hash. */
export type TargetStamp = {
  readonly epoch: string;
  readonly revision: number;
  readonly hash: string;
};

/**
 * The newest config any cycle of this term set out to push. A cycle whose push to a node
 * had to wait for an earlier push there asks whether a later cycle rendered something
 * newer meanwhile: then pushing its own (stale) render would only cost the node one more
 * reload before the newer one (a storm would chain stale pushes behind a slow node).
 */
export type NewestTarget = {
  /** A cycle is about to push `target`. */
  note(target: TargetStamp): void;
  /** True when a newer config than `target` (a later stamp, other content) was noted. */
  superseded(target: TargetStamp): boolean;
};

export function NewestTarget(): NewestTarget {
  let newest: TargetStamp | undefined;
  return {
    note(target) {
      if (newest === undefined || compareStamps(target, newest) > 0) newest = target;
    },
    superseded(target) {
      return (
        newest !== undefined && newest.hash !== target.hash && compareStamps(newest, target) > 0
      );
    },
  };
}
