import type { AttemptRecord } from '../state/node-records.js';

/** What the pusher tells about each push to a node once it ended (metrics). */
export type PushObserver = {
  /** `failure`: the kind of a FAILED push (ssh, timeout, config_test, ...). */
  pushed(attempt: AttemptRecord, durationMs: number, failure: string | undefined): void;
};
