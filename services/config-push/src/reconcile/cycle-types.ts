import type { Redis } from 'ioredis';
import type { Alerts, Logger } from '@gateway/shared';
import type { LeaseTerm } from '../leader/push-lease.js';
import type { PoisonGuard } from '../quarantine/poison-guard.js';
import type { QuarantineSettings } from '../quarantine/quarantine-settings.js';
import type { SshPool } from '../push/ssh-pool.js';
import type { Refusal } from '../render/render-guard.js';
import type { DesiredCache } from '../state/desired-cache.js';
import type { DesiredConfig } from '../state/desired-config.js';
import type { AttemptRecord } from '../state/node-records.js';
import type { EpochTracker } from './epoch-tracker.js';
import type { PushObserver } from './push-observer.js';
import type { RetryBackoff } from './retry-backoff.js';
import type { NewestTarget } from './newest-target.js';

/** What a cycle is asked to do beyond bringing out-of-date UP nodes to the desired config. */
export type CycleRequest = {
  /**
   * Render the registry now. False while a burst of changes waits for quiescence: the
   * cycle then only brings nodes to the config already accepted.
   */
  readonly render: boolean;
  /** Push past the drop guard (never an empty render). */
  readonly force: boolean;
  /** Contact every UP node even when it is recorded up to date (drift check, PushNow). */
  readonly verifyAll: boolean;
  /** Contact these nodes even when recorded up to date or waiting for a retry. */
  readonly verifyNodes: ReadonlySet<string>;
};

export type CycleResult = {
  /** The registry revision rendered (-1 when the cycle did not render). */
  readonly registryRevision: number;
  /** The store epoch of `registryRevision` ('' when the cycle did not render). */
  readonly registryEpoch: string;
  /** What the nodes were asked to run (undefined: nothing was ever accepted). */
  readonly desired: DesiredConfig | undefined;
  readonly refusal: Refusal | undefined;
  /** One per node considered (those left alone because up to date are UNCHANGED, not contacted). */
  readonly results: readonly AttemptRecord[];
};

/** A cycle once dispatched: the pushes run on, each node on its own. */
export type DispatchedCycle = Omit<CycleResult, 'results'> & {
  readonly results: Promise<AttemptRecord[]>;
};

export type CycleSettings = {
  readonly remoteCommand: string;
  readonly nodeTimeoutMs: number;
  readonly dropGuardShare: number;
  readonly dropGuardMinRemoved: number;
  /** How long after a new store epoch configs that drop most of a node's servers are held back. */
  readonly dropGuardSettleMs: number;
  readonly replicaId: string;
  /** The largest file a node accepts (its apply script's MAX_BYTES). */
  readonly maxConfigBytes: number;
  readonly quarantine: QuarantineSettings;
};

/** What a cycle works with: connections, the lease term it runs under, per-node state of the pusher. */
export type CycleDeps = {
  readonly redis: Redis;
  readonly pool: SshPool;
  readonly alerts: Alerts;
  readonly backoff: RetryBackoff;
  /** Store epochs this process has seen (across lease terms). */
  readonly epochs: EpochTracker;
  readonly settings: CycleSettings;
  readonly logger: Logger;
  readonly term: () => LeaseTerm | undefined;
  readonly startTerm: LeaseTerm;
  readonly signal: AbortSignal;
  /** Pushes still running, by node ip: a node has at most one at a time. */
  readonly inFlight: Map<string, Promise<AttemptRecord>>;
  /** Called when a node's push has finished (the node may need another look). */
  readonly onNodeSettled: (ip: string) => void;
  /** Finds and quarantines poison instances when `nginx -t` fails. */
  readonly poison: PoisonGuard;
  /** The desired config, kept between cycles (its file read only when it changed). */
  readonly desiredCache: DesiredCache;
  /** The newest config a cycle of this term set out to push. */
  readonly newestTarget: NewestTarget;
  /** Told of each push to a node once it ended (metrics). */
  readonly observer?: PushObserver;
};

export class LostLeaseError extends Error {
  override readonly name = 'LostLeaseError';
}

/** True while the cycle's lease term is still this replica's and the pusher runs. */
export function stillHolding(deps: CycleDeps): boolean {
  return deps.term()?.value === deps.startTerm.value && !deps.signal.aborted;
}
