import type { NodeSpecData } from '@gateway/shared';
import type { DesiredConfig } from '../state/desired-config.js';
import { investigatePoison, type PoisonDeps } from './poison-investigation.js';
import { QuarantineReviewer } from './quarantine-reviewer.js';

/** Poison isolation for one lease term: finds and quarantines, re-tests and re-admits. */
export type PoisonGuard = {
  /**
   * `nginx -t` refused `target` on `node`: quarantine the instances responsible. One
   * investigation at a time: a node failing meanwhile shares the running one's answer;
   * resolves with the ids quarantined, empty when none.
   */
  investigate(
    node: NodeSpecData,
    target: DesiredConfig,
    message: string,
  ): Promise<readonly string[]>;
  /** The registry changed: a quarantined instance may have been re-registered. */
  registryChanged(): void;
  stop(): Promise<void>;
};

export function PoisonGuard(deps: PoisonDeps, onChange: () => void): PoisonGuard {
  let running: Promise<readonly string[]> | undefined;
  const reviewer = QuarantineReviewer(deps, onChange);
  return {
    async investigate(node, target, message) {
      // Another node failed the same way meanwhile: its investigation answers for this one too.
      if (running) return await running.catch(() => []);
      running = investigatePoison(deps, node, target, message);
      try {
        const ids = await running;
        if (ids.length > 0) onChange();
        return ids;
      } finally {
        running = undefined;
      }
    },
    registryChanged() {
      reviewer.poke();
    },
    async stop() {
      await reviewer.stop();
      await running?.catch(() => undefined);
    },
  };
}
