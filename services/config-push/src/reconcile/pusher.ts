import type { Redis } from 'ioredis';
import type { Alerts, Logger } from '@gateway/shared';
import type { LeaseTerm } from '../leader/push-lease.js';
import { PoisonGuard } from '../quarantine/poison-guard.js';
import type { SshPool } from '../push/ssh-pool.js';
import type { AttemptRecord } from '../state/node-records.js';
import {
  LostLeaseError,
  runPushCycle,
  type CycleResult,
  type CycleSettings,
} from './push-cycle.js';
import type { EpochTracker } from './epoch-tracker.js';
import { DesiredCache } from '../state/desired-cache.js';
import { NewestTarget } from './newest-target.js';
import { PushSchedule, type PushRequest, type PushScheduleTiming } from './push-schedule.js';
import type { PushObserver } from './push-observer.js';

export type PusherTiming = PushScheduleTiming;

/** The push loop of one lease term. */
export type Pusher = {
  /** The registry moved to (`epoch`, `revision`) (a change message or the revision poll). */
  registryChanged(epoch: string, revision: number): void;
  /** A node came UP, or was added or updated: reconcile it now. */
  nodeNeedsCheck(ip: string): void;
  /** PushNow: a cycle now that contacts every UP node (or the one named); resolves with the results. */
  pushNow(options: { force: boolean; onlyNode: string | undefined }): Promise<CycleResult>;
  /** Stops (waits for the cycle in flight, which aborts its pushes). */
  stop(): Promise<void>;
};

type Waiter = PushRequest & {
  resolve: (result: CycleResult) => void;
  reject: (error: unknown) => void;
};

/**
 * The watch → render → apply loop of the lease holder; `PushSchedule` decides when a
 * cycle is due and what it does (quiescence, node checks, retries, drift checks: a drift
 * check contacts every UP node, which compares the live file's hash and rewrites it only
 * if it drifted). One cycle at a time (triggers that
 * arrive meanwhile are merged into the next one), but a cycle only starts the pushes:
 * each node has at most one push running, and a node that hangs holds up nobody. When a
 * node's push ends, the node is looked at again (it may have missed a newer revision),
 * without cutting a burst's quiescence short.
 */
export function Pusher(deps: {
  redis: Redis;
  pool: SshPool;
  alerts: Alerts;
  epochs: EpochTracker;
  settings: CycleSettings;
  timing: PusherTiming;
  term: () => LeaseTerm | undefined;
  startTerm: LeaseTerm;
  logger: Logger;
  observer?: PushObserver;
}): Pusher {
  const { timing, logger } = deps;
  const controller = new AbortController();
  const signal = controller.signal;
  const schedule = PushSchedule<Waiter>(timing, Date.now());
  const inFlight = new Map<string, Promise<AttemptRecord>>();
  const newestTarget = NewestTarget();
  const desiredCache = DesiredCache();
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

  const poison = PoisonGuard(
    {
      redis: deps.redis,
      pool: deps.pool,
      alerts: deps.alerts,
      logger,
      remoteCommand: deps.settings.remoteCommand,
      settings: deps.settings.quarantine,
      leaseValue: deps.startTerm.value,
      signal,
    },
    () => {
      schedule.renderAtOnce();
      poke();
    },
  );

  const loop = (async () => {
    while (!signal.aborted) {
      const now = Date.now();
      const due = schedule.nextDue(now);
      if (due === undefined || due > now) {
        await sleepUntilWoken(due === undefined ? undefined : due - now);
        continue;
      }
      const { request, taken } = schedule.take(now);
      const started = performance.now();
      try {
        const dispatched = await runPushCycle(
          {
            ...deps,
            backoff: schedule.backoff,
            signal,
            inFlight,
            newestTarget,
            desiredCache,
            poison,
            onNodeSettled: () => {
              // The node may have missed a newer revision while busy: look again (cheap when up to date).
              schedule.nodeSettled();
              poke();
            },
          },
          request,
        );
        if (request.render)
          schedule.rendered({
            epoch: dispatched.registryEpoch,
            revision: dispatched.registryRevision,
          });
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
          schedule.cycleFailed(Date.now());
        }
      }
    }
    for (const waiter of schedule.drainRequests())
      waiter.reject(new LostLeaseError('this replica stopped pushing'));
  })();

  return {
    registryChanged(epoch, revision) {
      if (!schedule.registryChanged({ epoch, revision }, Date.now())) return;
      poison.registryChanged();
      poke();
    },
    nodeNeedsCheck(ip) {
      schedule.nodeNeedsCheck(ip);
      poke();
    },
    pushNow(options) {
      return new Promise<CycleResult>((resolve, reject) => {
        if (signal.aborted) return reject(new LostLeaseError('this replica stopped pushing'));
        schedule.request({ ...options, resolve, reject });
        poke();
      });
    },
    async stop() {
      controller.abort();
      poke();
      await loop;
      await Promise.allSettled([...inFlight.values()]);
      await poison.stop();
    },
  };
}
