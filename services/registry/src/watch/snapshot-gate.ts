import { ServerError, Status } from 'nice-grpc';

/** Why a snapshot build was refused a permit: the wait queue was full, or its wait ran out. */
export type SnapshotGateRefusal = 'queue_full' | 'timeout';

export type SnapshotGateObserver = {
  /** A build got its permit after waiting `ms` (0 when one was free). */
  readonly onGranted?: (ms: number) => void;
  readonly onRefused?: (reason: SnapshotGateRefusal) => void;
};

/** A permit: call once to hand it to the next waiting build (later calls do nothing). */
export type SnapshotPermit = () => void;

/**
 * Bounds the WatchInstances snapshot chunks one replica builds at once: each build reads
 * pages from Redis and holds their instances as objects until its chunk is sent, and many
 * watchers connecting at once (a fleet restarting) built all their snapshots at once
 * before, so the replica's memory peaked with the number of watchers. Builds wait their
 * turn in order of arrival; the wait is bounded (`waitTimeoutMs`) and so is the queue
 * (`queueLimit`): beyond either, the watch ends with UNAVAILABLE (try later).
 */
export type SnapshotGate = {
  /** Resolves with a permit; rejects with UNAVAILABLE (refused) or the signal's reason. */
  acquire(signal: AbortSignal): Promise<SnapshotPermit>;
  /** Builds holding a permit now. */
  readonly inFlight: number;
  /** Builds waiting for a permit now. */
  readonly waiting: number;
  /** The most builds that held a permit at once since the gate was made. */
  readonly peakInFlight: number;
};

type Waiter = { readonly grant: () => void };

export function SnapshotGate(
  limits: { concurrency: number; queueLimit: number; waitTimeoutMs: number },
  observer: SnapshotGateObserver = {},
): SnapshotGate {
  const queue: Waiter[] = [];
  let inFlight = 0;
  let peakInFlight = 0;

  const permit = (): SnapshotPermit => {
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight -= 1;
      // The permit passes straight to the first waiter: a new arrival never overtakes it.
      queue.shift()?.grant();
    };
  };

  const refuse = (reason: SnapshotGateRefusal, detail: string) => {
    observer.onRefused?.(reason);
    return new ServerError(
      Status.UNAVAILABLE,
      `the registry is building other watchers' snapshots (${detail}): retry`,
    );
  };

  return {
    acquire(signal) {
      signal.throwIfAborted();
      if (inFlight < limits.concurrency && queue.length === 0) {
        observer.onGranted?.(0);
        return Promise.resolve(permit());
      }
      if (queue.length >= limits.queueLimit)
        return Promise.reject(refuse('queue_full', `${queue.length} waiting`));
      const start = performance.now();
      return new Promise<SnapshotPermit>((resolve, reject) => {
        const leave = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
        };
        const waiter: Waiter = {
          grant: () => {
            leave();
            observer.onGranted?.(performance.now() - start);
            resolve(permit());
          },
        };
        const onAbort = () => {
          leave();
          reject(signal.reason);
        };
        const timer = setTimeout(() => {
          leave();
          reject(refuse('timeout', `waited ${limits.waitTimeoutMs} ms`));
        }, limits.waitTimeoutMs);
        signal.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
      });
    },
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return queue.length;
    },
    get peakInFlight() {
      return peakInFlight;
    },
  };
}
