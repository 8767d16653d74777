import type { Redis } from 'ioredis';
import type { Alerts, Logger } from '@gateway/shared';
import type { LeaseTerm } from '../leader/push-lease.js';
import type { SshPool } from '../push/ssh-pool.js';
import type { AttemptRecord } from '../state/node-records.js';
import {
  LostLeaseError,
  runPushCycle,
  type CycleRequest,
  type CycleResult,
  type CycleSettings,
} from './push-cycle.js';
import { Quiescence } from './quiescence.js';
import { RetryBackoff } from './retry-backoff.js';

export type PusherTiming = {
  readonly waitMinMs: number;
  readonly waitMaxMs: number;
  readonly driftCheckIntervalMs: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
};

/** The push loop of one lease term. */
export type Pusher = {
  /** The registry moved to `revision` (a change message or the revision poll). */
  registryChanged(revision: number): void;
  /** A node came UP, or was added or updated: reconcile it now. */
  nodeNeedsCheck(ip: string): void;
  /** PushNow: a cycle now that contacts every UP node (or the one named); resolves with the results. */
  pushNow(options: { force: boolean; onlyNode: string | undefined }): Promise<CycleResult>;
  /** Stops (waits for the cycle in flight, which aborts its pushes). */
  stop(): Promise<void>;
};

type Waiter = {
  force: boolean;
  onlyNode: string | undefined;
  resolve: (result: CycleResult) => void;
  reject: (error: unknown) => void;
};

/**
 * The watch → render → apply loop of the lease holder. Registry changes wait for
 * quiescence (min/max); nodes that came UP, PushNow and due retries run at once; every
 * `driftCheckIntervalMs` a cycle contacts every UP node (the node compares the live
 * file's hash and rewrites it only if it drifted). One cycle at a time (triggers that
 * arrive meanwhile are merged into the next one), but a cycle only starts the pushes:
 * each node has at most one push running, and a node that hangs holds up nobody. When a
 * node's push ends, the node is looked at again (it may have missed a newer revision),
 * without cutting a burst's quiescence short. The first cycle of a term checks every
 * node (a new leader trusts nothing).
 */
export function Pusher(deps: {
  redis: Redis;
  pool: SshPool;
  alerts: Alerts;
  settings: CycleSettings;
  timing: PusherTiming;
  term: () => LeaseTerm | undefined;
  startTerm: LeaseTerm;
  logger: Logger;
}): Pusher {
  const { timing, logger } = deps;
  const controller = new AbortController();
  const signal = controller.signal;
  const quiescence = Quiescence(timing.waitMinMs, timing.waitMaxMs);
  const backoff = RetryBackoff(timing.retryMinMs, timing.retryMaxMs);
  const verifyNodes = new Set<string>();
  let waiters: Waiter[] = [];
  let verifyAll = true;
  let nextDrift = Date.now() + timing.driftCheckIntervalMs;
  let renderedRevision = -1;
  let recheck = false;
  const inFlight = new Map<string, Promise<AttemptRecord>>();
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  /** Sleeps until `ms` pass (forever when undefined), poke() is called, or the loop stops. */
  const sleepUntilWoken = async (ms: number | undefined) => {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    await new Promise<void>((resolve) => {
      wake = resolve;
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
      if (ms !== undefined) timer = setTimeout(resolve, ms);
    });
    wake = undefined;
    if (timer) clearTimeout(timer);
    signal.removeEventListener('abort', onAbort!);
  };

  const nextDue = (now: number): number | undefined => {
    if (verifyAll || recheck || verifyNodes.size > 0 || waiters.length > 0) return now;
    const candidates = [quiescence.dueAt(), backoff.nextDue(), nextDrift].filter(
      (value): value is number => value !== undefined,
    );
    return candidates.length === 0 ? undefined : Math.min(...candidates);
  };

  const takeRequest = (now: number): { request: CycleRequest; taken: Waiter[] } => {
    const taken = waiters;
    waiters = [];
    const driftDue = now >= nextDrift;
    if (driftDue) nextDrift = now + timing.driftCheckIntervalMs;
    const burstDue = quiescence.dueAt();
    // Rechecks, node events and drift checks do not cut a burst's quiescence short.
    const render = taken.length > 0 || burstDue === undefined || burstDue <= now;
    const request: CycleRequest = {
      render,
      force: taken.some((waiter) => waiter.force),
      verifyAll: verifyAll || driftDue || taken.some((waiter) => waiter.onlyNode === undefined),
      verifyNodes: new Set([
        ...verifyNodes,
        ...taken.flatMap((waiter) => (waiter.onlyNode ? [waiter.onlyNode] : [])),
      ]),
    };
    verifyAll = false;
    recheck = false;
    verifyNodes.clear();
    if (render) quiescence.clear();
    return { request, taken };
  };

  const loop = (async () => {
    while (!signal.aborted) {
      const now = Date.now();
      const due = nextDue(now);
      if (due === undefined || due > now) {
        await sleepUntilWoken(due === undefined ? undefined : due - now);
        continue;
      }
      const { request, taken } = takeRequest(now);
      const started = performance.now();
      try {
        const dispatched = await runPushCycle(
          {
            ...deps,
            backoff,
            signal,
            inFlight,
            onNodeSettled: () => {
              // The node may have missed a newer revision while busy: look again (cheap when up to date).
              recheck = true;
              poke();
            },
          },
          request,
        );
        if (request.render)
          renderedRevision = Math.max(renderedRevision, dispatched.registryRevision);
        void dispatched.results.then(
          (results) => {
            const result: CycleResult = { ...dispatched, results };
            const counts: Record<string, number> = {};
            for (const entry of results) counts[entry.outcome] = (counts[entry.outcome] ?? 0) + 1;
            logger.debug(
              {
                revision: result.desired?.revision,
                registryRevision: result.registryRevision,
                counts,
                ms: Math.round(performance.now() - started),
              },
              'push cycle done',
            );
            for (const waiter of taken) {
              waiter.resolve(
                waiter.onlyNode === undefined
                  ? result
                  : { ...result, results: results.filter((entry) => entry.ip === waiter.onlyNode) },
              );
            }
          },
          (error: unknown) => {
            for (const waiter of taken) waiter.reject(error);
          },
        );
      } catch (error) {
        for (const waiter of taken) waiter.reject(error);
        if (error instanceof LostLeaseError) {
          logger.warn({ err: error }, 'push cycle stopped: lease lost');
          break;
        }
        if (!signal.aborted) {
          logger.warn({ err: error }, 'push cycle failed: retrying');
          // Redis trouble: try again after the minimum retry delay, not in a tight loop.
          quiescence.mark(Date.now() + timing.retryMinMs);
        }
      }
    }
    for (const waiter of waiters) waiter.reject(new LostLeaseError('this replica stopped pushing'));
    waiters = [];
  })();

  return {
    registryChanged(revision) {
      if (revision <= renderedRevision) return;
      quiescence.mark(Date.now());
      poke();
    },
    nodeNeedsCheck(ip) {
      verifyNodes.add(ip);
      poke();
    },
    pushNow(options) {
      return new Promise<CycleResult>((resolve, reject) => {
        if (signal.aborted) return reject(new LostLeaseError('this replica stopped pushing'));
        waiters.push({ ...options, resolve, reject });
        poke();
      });
    },
    async stop() {
      controller.abort();
      poke();
      await loop;
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
