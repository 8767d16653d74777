import { delay } from 'abort-controller-x';
import type { Alerts, Logger, NodeSpecData } from '@gateway/shared';
import type { HttpProber, ProbeOutcome } from '../probe/http-prober.js';
import { judgeMassFailure } from '../probe/mass-failure.js';
import type { ConfirmMassFailure, HeldVerdict } from '../probe/round-hold.js';
import type { PeerConfirmation } from './peer-confirmation.js';

export type MassFailureCheck = {
  /** How one round's mass failure over these nodes is confirmed or not. */
  confirmer(specs: ReadonlyMap<string, NodeSpecData>, total: number): ConfirmMassFailure;
  /** This replica reached nodes again: its "cannot see the nodes" alert recovers. */
  seesNodes(): void;
};

/**
 * Confirms a mass failure before anything is marked DOWN: asks the other replicas to
 * probe the failed nodes, re-probes them itself after `recheckDelayMs`, and checks its
 * own connectivity (`connectivityUrl`, when set), all at once. A node another replica
 * reaches keeps its status (marked unconfirmed) and this replica alerts about itself;
 * see judgeMassFailure for the rest. Bounded by max(peer wait, delay + probe timeout).
 */
export function MassFailureCheck(options: {
  peers: PeerConfirmation;
  prober: HttpProber;
  alerts: Alerts;
  replicaId: string;
  recheckDelayMs: number;
  peerWaitMs: number;
  connectivityUrl: string | undefined;
  signal: AbortSignal;
  logger: Logger;
}): MassFailureCheck {
  const { prober, replicaId, signal, logger } = options;
  const alertKey = `health-replica-blind:${replicaId}`;
  const recovery = {
    key: alertKey,
    kind: 'health_replica_blind',
    message: `health replica ${replicaId} reaches the nodes again`,
    details: { replica: replicaId },
  };

  const recheck = async (specs: readonly NodeSpecData[]) => {
    await delay(signal, options.recheckDelayMs);
    const outcomes = await Promise.all(
      specs.map(async (spec) => [spec.ip, await prober.probe(spec.healthUrl, signal)] as const),
    );
    return new Map<string, ProbeOutcome>(outcomes);
  };

  return {
    confirmer: (specs, total) => async (failed) => {
      const started = performance.now();
      const ips = [...failed.keys()];
      const failedSpecs = ips.flatMap((ip) => (specs.has(ip) ? [specs.get(ip)!] : []));
      logger.warn(
        { failed: ips, total },
        'probes failed for (nearly) every node: confirming before marking any DOWN',
      );
      const [peers, rechecked, connectivity] = await Promise.all([
        options.peers.ask(ips, options.peerWaitMs),
        recheck(failedSpecs),
        options.connectivityUrl ? prober.probe(options.connectivityUrl, signal) : undefined,
      ]);
      const verdicts = judgeMassFailure({
        failed: ips,
        recheck: new Map([...rechecked].map(([ip, outcome]) => [ip, outcome.healthy])),
        peers,
        connectivityOk: connectivity?.healthy,
      });
      const result = new Map<string, HeldVerdict>();
      const kept: string[] = [];
      const reachedBy = new Set<string>();
      for (const entry of verdicts) {
        if (entry.verdict === 'confirmed') result.set(entry.ip, { action: 'apply' });
        else if (entry.verdict === 'recovered')
          result.set(entry.ip, { action: 'apply-instead', outcome: rechecked.get(entry.ip)! });
        else {
          kept.push(entry.ip);
          if (entry.verdict === 'contradicted') for (const by of entry.by) reachedBy.add(by);
          result.set(entry.ip, {
            action: 'keep',
            reason:
              entry.verdict === 'contradicted'
                ? `unconfirmed: health replica ${replicaId} cannot reach it, replica(s) ${entry.by.join(', ')} can`
                : `unconfirmed: health replica ${replicaId} cannot reach it and fails its own connectivity check`,
          });
        }
      }
      const ms = Math.round(performance.now() - started);
      logger.warn(
        {
          verdicts,
          peers: peers.map((peer) => peer.replica),
          connectivityOk: connectivity?.healthy,
          ms,
        },
        'mass failure judged',
      );
      if (kept.length === 0) {
        options.alerts.resolve(recovery);
      } else {
        options.alerts.fire({
          key: alertKey,
          kind: 'health_replica_blind',
          message: `health replica ${replicaId} cannot reach ${kept.length} of ${total} nodes${reachedBy.size > 0 ? ` that replica(s) ${[...reachedBy].join(', ')} reach` : ' and fails its own connectivity check'}: their status is kept and marked unconfirmed, not DOWN`,
          details: {
            replica: replicaId,
            nodes: kept.join(', '),
            reachedBy: [...reachedBy].join(', '),
            connectivityOk: connectivity?.healthy ?? null,
          },
        });
      }
      return result;
    },
    seesNodes() {
      options.alerts.resolve(recovery);
    },
  };
}
