import { compareStamps, type StoreStamp } from '@gateway/shared';
import type { CycleRequest } from './cycle-types.js';
import { Quiescence } from './quiescence.js';
import { RetryBackoff } from './retry-backoff.js';

export type PushScheduleTiming = {
  readonly waitMinMs: number;
  readonly waitMaxMs: number;
  readonly driftCheckIntervalMs: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
};

/** A PushNow caller waiting for a cycle: push past the drop guard or not, one node or all. */
export type PushRequest = { readonly force: boolean; readonly onlyNode: string | undefined };

/**
 * The pusher's decisions, without I/O or clocks (every method takes `now`): when the next
 * cycle is due and what it must do. Registry changes wait for quiescence (min/max); a
 * new term, nodes to check, rechecks and PushNow requests are due at once; retries when
 * their backoff ends; a drift check every `driftCheckIntervalMs`. The first cycle of a
 * term checks every node (a new leader trusts nothing).
 */
export type PushSchedule<Request extends PushRequest> = {
  /** Per-node retry state, shared with the cycles. */
  readonly backoff: RetryBackoff;
  /**
   * The registry is at `stamp` (store epoch, revision), from a change message or a poll;
   * false when it was rendered already or changes nothing. Only a stamp past every one
   * seen before (the revision or the epoch moved) restarts quiescence: a poll repeating
   * the pending revision must not push the render back. A stamp seen before but not
   * rendered, with no render pending, is due again (the cycle covering it failed or read
   * less). A new store epoch restarts revisions: any change of it is new to us.
   */
  registryChanged(stamp: StoreStamp, now: number): boolean;
  /** The quarantine changed: render in the next cycle, without waiting for quiescence. */
  renderAtOnce(): void;
  /** A node came UP, was added or updated: contact it in the next cycle. */
  nodeNeedsCheck(ip: string): void;
  /** A node's push ended: look at the nodes again (one may have missed a newer revision). */
  nodeSettled(): void;
  /** A PushNow: due at once, answered by the next cycle. */
  request(request: Request): void;
  /** When the next cycle is due (`now` or earlier: at once), or undefined when nothing is pending. */
  nextDue(now: number): number | undefined;
  /** What the cycle starting at `now` must do, and the requests it answers; resets what it covers. */
  take(now: number): { request: CycleRequest; taken: Request[] };
  /** A cycle rendered the registry at `stamp`: changes up to it need no new render. */
  rendered(stamp: StoreStamp): void;
  /** A cycle failed (Redis trouble): try again after the minimum retry delay, not in a tight loop. */
  cycleFailed(now: number): void;
  /** The requests no cycle took (the pusher stops). */
  drainRequests(): Request[];
};

export function PushSchedule<Request extends PushRequest>(
  timing: PushScheduleTiming,
  startedAt: number,
  random: () => number = Math.random,
): PushSchedule<Request> {
  const quiescence = Quiescence(timing.waitMinMs, timing.waitMaxMs);
  const backoff = RetryBackoff(timing.retryMinMs, timing.retryMaxMs, random);
  const verifyNodes = new Set<string>();
  let requests: Request[] = [];
  let verifyAll = true;
  let recheck = false;
  let renderNow = false;
  let nextDrift = startedAt + timing.driftCheckIntervalMs;
  let renderedStamp: StoreStamp = { epoch: '', revision: -1 };
  let seenStamp: StoreStamp = renderedStamp;

  return {
    backoff,
    registryChanged(stamp, now) {
      if (compareStamps(stamp, renderedStamp) <= 0) return false;
      const moved = compareStamps(stamp, seenStamp) > 0;
      if (!moved && quiescence.dueAt() !== undefined) return false;
      if (moved) seenStamp = stamp;
      quiescence.mark(now);
      return true;
    },
    renderAtOnce() {
      renderNow = true;
    },
    nodeNeedsCheck(ip) {
      verifyNodes.add(ip);
    },
    nodeSettled() {
      recheck = true;
    },
    request(request) {
      requests.push(request);
    },
    nextDue(now) {
      if (verifyAll || recheck || renderNow || verifyNodes.size > 0 || requests.length > 0)
        return now;
      const candidates = [quiescence.dueAt(), backoff.nextDue(), nextDrift].filter(
        (value): value is number => value !== undefined,
      );
      return candidates.length === 0 ? undefined : Math.min(...candidates);
    },
    take(now) {
      const taken = requests;
      requests = [];
      const driftDue = now >= nextDrift;
      if (driftDue) nextDrift = now + timing.driftCheckIntervalMs;
      const burstDue = quiescence.dueAt();
      // Rechecks, node events and drift checks do not cut a burst's quiescence short.
      const render = taken.length > 0 || renderNow || burstDue === undefined || burstDue <= now;
      renderNow = false;
      const request: CycleRequest = {
        render,
        force: taken.some((entry) => entry.force),
        verifyAll: verifyAll || driftDue || taken.some((entry) => entry.onlyNode === undefined),
        verifyNodes: new Set([
          ...verifyNodes,
          ...taken.flatMap((entry) => (entry.onlyNode ? [entry.onlyNode] : [])),
        ]),
      };
      verifyAll = false;
      recheck = false;
      verifyNodes.clear();
      if (render) quiescence.clear();
      return { request, taken };
    },
    rendered(stamp) {
      if (compareStamps(stamp, renderedStamp) > 0) renderedStamp = stamp;
    },
    cycleFailed(now) {
      quiescence.mark(now + timing.retryMinMs);
    },
    drainRequests() {
      const left = requests;
      requests = [];
      return left;
    },
  };
}
