import type { ProbeOutcome } from './http-prober.js';
import { massFailureCount, massFailureRuledOut, type MassFailurePolicy } from './mass-failure.js';

/** What to do with a held failure: apply it, apply another (fresher) outcome, or keep the status. */
export type HeldVerdict =
  | { readonly action: 'apply' }
  | { readonly action: 'apply-instead'; readonly outcome: ProbeOutcome }
  | { readonly action: 'keep'; readonly reason: string };

/** Decides a mass failure: the verdict for each failed node (see judgeMassFailure). */
export type ConfirmMassFailure = (
  failed: ReadonlyMap<string, ProbeOutcome>,
) => Promise<ReadonlyMap<string, HeldVerdict>>;

export type RoundHold = {
  /** A node's probe succeeded (or another round's probe, joined, ended healthy or not). */
  observe(healthy: boolean): void;
  /** A node's own probe failed: resolves with what to do once the round can tell. */
  failed(ip: string, outcome: ProbeOutcome): Promise<HeldVerdict>;
  /** A node's probe ended without a result (gate kept, cancelled, error). */
  settled(): void;
};

/**
 * Holds a round's failures until the round can tell whether they are a mass failure:
 * released at once when enough nodes answered healthy to rule it out (so a round where
 * some node answers applies a failure as soon as its probe ends), otherwise when every
 * probe of the round ended (bounded by the probe timeout). A mass failure goes to
 * `confirm` first. One instance per round.
 */
export function RoundHold(
  total: number,
  policy: MassFailurePolicy,
  confirm: ConfirmMassFailure,
): RoundHold {
  const waiting = new Map<
    string,
    { outcome: ProbeOutcome; resolve: (verdict: HeldVerdict) => void }
  >();
  let healthy = 0;
  let failures = 0;
  let done = 0;
  let released = massFailureRuledOut(policy, total, 0);

  const release = (verdicts?: ReadonlyMap<string, HeldVerdict>) => {
    released = true;
    for (const [ip, held] of waiting) held.resolve(verdicts?.get(ip) ?? { action: 'apply' });
    waiting.clear();
  };
  const check = () => {
    if (released) return;
    if (massFailureRuledOut(policy, total, healthy)) return release();
    if (done < total) return;
    if (failures < massFailureCount(policy, total) || waiting.size === 0) return release();
    const failed = new Map([...waiting].map(([ip, held]) => [ip, held.outcome]));
    released = true;
    confirm(failed).then(
      (verdicts) => release(verdicts),
      () => release(),
    );
  };

  return {
    observe(ok) {
      done++;
      if (ok) healthy++;
      else failures++;
      check();
    },
    failed(ip, outcome) {
      done++;
      failures++;
      if (released) return Promise.resolve({ action: 'apply' });
      const verdict = new Promise<HeldVerdict>((resolve) => waiting.set(ip, { outcome, resolve }));
      check();
      return verdict;
    },
    settled() {
      done++;
      check();
    },
  };
}
