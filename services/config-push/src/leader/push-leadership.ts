import type { Logger } from '@gateway/shared';
import type { Pusher } from '../reconcile/pusher.js';
import type { LeaseTerm, PushLease } from './push-lease.js';

/** The push loop that runs while this replica holds the lease. */
export type PushLeadership = {
  /** The running pusher, undefined while this replica does not hold the lease. */
  readonly pusher: () => Pusher | undefined;
  /** Waits for the pusher of the last term to stop (call after the lease stopped). */
  readonly stopped: () => Promise<void>;
};

/**
 * Ties the lease to the push loop: each term the lease grants starts a pusher (and the
 * convergence watch) of its own, and those of the previous term stops first (stops run one after another,
 * so two terms never push at the same time from this replica).
 */
export function PushLeadership(options: {
  lease: PushLease;
  startPusher: (term: LeaseTerm, logger: Logger) => Pusher;
  /** What else runs while this replica holds the lease (e.g. the convergence watch). */
  startWatch: (logger: Logger) => { stop(): Promise<void> };
  logger: Logger;
}): PushLeadership {
  let pusher: Pusher | undefined;
  let watch: { stop(): Promise<void> } | undefined;
  let stopping: Promise<void> = Promise.resolve();
  options.lease.onChange((term) => {
    const previous = { pusher, watch };
    pusher = undefined;
    watch = undefined;
    stopping = stopping.then(async () => {
      await previous.watch?.stop();
      await previous.pusher?.stop();
    });
    if (!term) return;
    const termLogger = options.logger.child({ fence: term.fence });
    pusher = options.startPusher(term, termLogger);
    watch = options.startWatch(termLogger);
  });
  return {
    pusher: () => pusher,
    stopped: () => stopping,
  };
}
