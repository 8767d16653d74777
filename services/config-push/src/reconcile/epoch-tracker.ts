import { compareEpochs } from '@gateway/shared';
import type { Alerts } from '@gateway/shared';

/**
 * What this process knows of store epochs, across lease terms: when it first saw each
 * (the new-epoch drop guard's settle time counts from there: a process that starts late
 * waits the whole settle time, the safe side) and which new epoch it already alerted about.
 */
export type EpochTracker = {
  /** Epoch ms when this process first saw `epoch` (now, the first time). */
  firstSeen(epoch: string): number;
  /**
   * `previous` (what the nodes or the last accepted config ran) and `current` (the
   * registry's) differ and `current` is newer: Redis lost its data. Alerts once per new epoch.
   */
  observe(previous: string, current: string, where: string): void;
};

const KEEP = 8;

export function EpochTracker(
  alerts: Pick<Alerts, 'fire'>,
  now: () => number = Date.now,
): EpochTracker {
  const seen = new Map<string, number>();
  let alerted = '';
  return {
    firstSeen(epoch) {
      const known = seen.get(epoch);
      if (known !== undefined) return known;
      const at = now();
      seen.set(epoch, at);
      // Bounded: only the latest few epochs matter.
      if (seen.size > KEEP) seen.delete(seen.keys().next().value!);
      return at;
    },
    observe(previous, current, where) {
      // No epoch before (a fresh node, a record older than epochs) is no loss.
      if (previous === '' || current === '' || compareEpochs(current, previous) <= 0) return;
      if (compareEpochs(current, alerted) <= 0) return;
      alerted = current;
      this.firstSeen(current);
      // One alert per new epoch (an event: its condition key is the epoch, never resolved).
      alerts.fire({
        key: `store-epoch:${current}`,
        kind: 'store_epoch_changed',
        message: `the registry store started a new epoch ${current} (${where} ran ${previous || 'none'}): Redis lost its data (FLUSHALL, a restart without persistence, a failover to an empty replica). Registrars register again and the health service restores its declared nodes; configs that would drop most of the servers the nodes run are held back until CONFIG_PUSH_DROP_GUARD_SETTLE passes or PushNow force`,
      });
    },
  };
}
