import { readNodesWithStatus } from '@gateway/shared';
import type { DesiredConfig } from '../state/desired-config.js';
import {
  readAppliedRecords,
  readAttemptRecords,
  type AttemptRecord,
} from '../state/node-records.js';
import { acceptRender } from './accept-render.js';
import type { CycleDeps, CycleRequest, DispatchedCycle } from './cycle-types.js';
import { attemptBase, pushNode, recordNodeAttempt } from './push-node.js';

export {
  LostLeaseError,
  type CycleRequest,
  type CycleResult,
  type CycleSettings,
  type DispatchedCycle,
} from './cycle-types.js';

/**
 * One reconcile pass, run by the lease holder only: render and accept the registry
 * (unless a burst is still settling), then start a push to every UP node that does not
 * run the desired config. The pushes run in parallel, each node on its own with its own
 * timeout, and are not waited for here: a hanging node never holds up the next cycle.
 * DOWN nodes are recorded as skipped and never contacted.
 */
export async function runPushCycle(
  deps: CycleDeps,
  request: CycleRequest,
): Promise<DispatchedCycle> {
  if (!request.render) {
    const desired = await deps.desiredCache.read(deps.redis);
    return {
      registryRevision: -1,
      registryEpoch: '',
      desired,
      refusal: undefined,
      results: desired ? (await dispatch(deps, desired, request)).all : Promise.resolve([]),
    };
  }
  const accepted = await acceptRender(deps, request.force);
  return {
    ...accepted,
    results: accepted.desired
      ? (await dispatch(deps, accepted.desired, request)).all
      : Promise.resolve([]),
  };
}

/** Reads the nodes and starts what each needs; `all` settles when every started push has. */
async function dispatch(
  deps: CycleDeps,
  target: DesiredConfig,
  request: CycleRequest,
): Promise<{ all: Promise<AttemptRecord[]> }> {
  const { backoff, logger } = deps;
  deps.newestTarget.note(target);
  const [{ nodes, invalid }, applied, attempts] = await Promise.all([
    readNodesWithStatus(deps.redis),
    readAppliedRecords(deps.redis),
    readAttemptRecords(deps.redis),
  ]);
  if (invalid.length > 0)
    logger.error({ invalid }, 'nodes of the inventory fail validation: not pushed');
  const now = Date.now();
  const dueRetries = new Set(backoff.due(now));
  // A retry that came due for a node no longer in the inventory is dropped.
  for (const ip of dueRetries)
    if (!nodes.some((node) => node.spec.ip === ip)) backoff.succeeded(ip);

  const results = nodes.map(async (node): Promise<AttemptRecord> => {
    const ip = node.spec.ip;
    const base = attemptBase(deps, ip, target);
    const explicit = request.verifyAll || request.verifyNodes.has(ip);
    if (node.status === 'DOWN') {
      backoff.succeeded(ip);
      const skipped: AttemptRecord = {
        ...base,
        outcome: 'SKIPPED_DOWN',
        error: 'node is DOWN: not contacted',
        time: Date.now(),
      };
      const last = attempts.get(ip);
      if (last?.outcome !== 'SKIPPED_DOWN' || last.revision !== target.revision)
        await recordNodeAttempt(deps, skipped);
      return skipped;
    }
    const runs = applied.get(ip);
    if (
      runs !== undefined &&
      runs.hash === target.hash &&
      (runs.epoch ?? '') === target.epoch &&
      runs.revision >= target.revision &&
      !explicit
    ) {
      if (dueRetries.has(ip)) backoff.succeeded(ip);
      return { ...base, revision: runs.revision, outcome: 'UNCHANGED', error: '', time: runs.time };
    }
    if (!explicit && backoff.waiting(ip, target.hash, now)) {
      return {
        ...base,
        outcome: 'FAILED',
        error: attempts.get(ip)?.error ?? 'waiting to retry',
        time: Date.now(),
      };
    }
    // A node still busy with a push of this same config is left to it, and its result is this
    // cycle's. One busy with an older config is waited for (bounded by the node timeout) and
    // then pushed again, so a PushNow never answers with the result of what came before it.
    // A cycle nobody waits for whose render a later cycle superseded while it waited leaves
    // the node to that cycle: no reload for a config that is already stale.
    for (let running = deps.inFlight.get(ip); running; running = deps.inFlight.get(ip)) {
      const earlier = await running;
      if (earlier.hash === target.hash && earlier.epoch === target.epoch) return earlier;
      if (!explicit && !request.force && deps.newestTarget.superseded(target)) return earlier;
    }
    const push = pushNode(deps, node, target, { force: request.force, applied: runs }).finally(
      () => {
        deps.inFlight.delete(ip);
        deps.onNodeSettled(ip);
      },
    );
    deps.inFlight.set(ip, push);
    return await push;
  });
  return { all: Promise.all(results) };
}
