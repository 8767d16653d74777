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
 * Ties the lease to the push loop: each term the lease grants starts a pusher of its
 * own, and the pusher of the previous term stops first (stops run one after another,
 * so two terms never push at the same time from this replica).
 */
export function PushLeadership(options: {
  lease: PushLease;
  startPusher: (term: LeaseTerm, logger: Logger) => Pusher;
  logger: Logger;
}): PushLeadership {
  let pusher: Pusher | undefined;
  let stopping: Promise<void> = Promise.resolve();
  options.lease.onChange((term) => {
    const previous = pusher;
    pusher = undefined;
    stopping = stopping.then(() => previous?.stop());
    if (term) pusher = options.startPusher(term, options.logger.child({ fence: term.fence }));
  });
  return {
    pusher: () => pusher,
    stopped: () => stopping,
  };
}
