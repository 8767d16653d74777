import { deadline, type NodeWithStatus } from '@gateway/shared';
import {
  ALERTED_PUSH_FAILURES,
  isAlertedPushFailure,
  pushFailureAlert,
  pushFailureRecovery,
  type AlertedPushFailure,
} from '../alerts/push-alerts.js';
import { applyOnNode } from '../push/apply-on-node.js';
import { PushError } from '../push/push-error.js';
import type { DesiredConfig } from '../state/desired-config.js';
import { recordAttempt, type AppliedRecord, type AttemptRecord } from '../state/node-records.js';
import { stillHolding, type CycleDeps } from './cycle-types.js';
import { holdForNewEpoch } from './epoch-check.js';

/** What every attempt record of this cycle's push of `target` to `ip` starts with. */
export function attemptBase(deps: CycleDeps, ip: string, target: DesiredConfig) {
  return {
    ip,
    epoch: target.epoch,
    revision: target.revision,
    hash: target.hash,
    replica: deps.settings.replicaId,
    fence: deps.startTerm.fence,
  };
}

/**
 * Pushes the desired config to one UP node within CONFIG_PUSH_NODE_TIMEOUT and records
 * the attempt (fenced). A failure schedules a retry with backoff and raises the alert it
 * of its kind; a success resolves the node's push alerts. When `nginx -t` refused it, the
 * instances responsible are looked for and quarantined (quarantine/): the re-render without
 * them follows at once.
 */
export async function pushNode(
  deps: CycleDeps,
  node: NodeWithStatus,
  target: DesiredConfig,
  options: { force: boolean; applied: AppliedRecord | undefined },
): Promise<AttemptRecord> {
  const { settings, backoff, logger } = deps;
  const ip = node.spec.ip;
  const base = attemptBase(deps, ip, target);
  const started = performance.now();
  backoff.started(ip);
  const nodeDeadline = deadline(deps.signal, settings.nodeTimeoutMs);
  const signal = nodeDeadline.signal;
  let attempt: AttemptRecord;
  let failure: string | undefined;
  try {
    if (!stillHolding(deps))
      throw new PushError('not_leader', 'this replica no longer holds the push lease: not pushed');
    // Redis holds no applied state of this epoch for the node: ask the node what it runs.
    const held =
      (options.applied?.epoch ?? '') === target.epoch
        ? undefined
        : await holdForNewEpoch(deps, node, target, options.force, signal);
    if (held !== undefined) {
      const refused: AttemptRecord = { ...base, outcome: 'REFUSED', error: held, time: Date.now() };
      deps.observer?.pushed(refused, performance.now() - started, undefined);
      await recordNodeAttempt(deps, refused);
      return refused;
    }
    const done = await applyOnNode({
      pool: deps.pool,
      node: node.spec,
      remoteCommand: settings.remoteCommand,
      config: target,
      signal,
    });
    backoff.succeeded(ip);
    const ms = Math.round(performance.now() - started);
    if (done.outcome === 'APPLIED')
      logger.info(
        { node: ip, revision: target.revision, hash: target.hash, ms },
        'node applied the config',
      );
    else logger.debug({ node: ip, revision: target.revision, ms }, 'node already runs the config');
    attempt = { ...base, outcome: done.outcome, error: '', time: Date.now() };
    settleAlerts(
      deps,
      ip,
      target.revision,
      undefined,
      `revision ${target.revision} ${done.outcome === 'APPLIED' ? 'applied' : 'already running'}`,
    );
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const timedOut = signal.aborted && !deps.signal.aborted;
    const message = timedOut
      ? `no result within ${settings.nodeTimeoutMs} ms (CONFIG_PUSH_NODE_TIMEOUT): ${detail}`
      : detail;
    const kind = timedOut ? 'timeout' : error instanceof PushError ? error.kind : 'remote';
    failure = kind;
    const retryAt = backoff.failed(ip, target.hash, Date.now());
    logger.warn(
      {
        node: ip,
        revision: target.revision,
        kind,
        error: message,
        retryInMs: retryAt - Date.now(),
      },
      'push to node failed',
    );
    const quarantined =
      kind === 'config_test' ? await deps.poison.investigate(node.spec, target, detail) : [];
    // A refusal explained by poison instances is alerted as their quarantine, not as the node's.
    if (quarantined.length === 0 && isAlertedPushFailure(kind))
      settleAlerts(deps, ip, target.revision, { kind, message }, `now failing with "${kind}"`);
    attempt = { ...base, outcome: 'FAILED', error: message, time: Date.now() };
  } finally {
    nodeDeadline.clear();
  }
  deps.observer?.pushed(attempt, performance.now() - started, failure);
  await recordNodeAttempt(deps, attempt, target.servers);
  return attempt;
}

/** Records an attempt under the cycle's lease term; a fenced-out or older write is logged, never forced. */
export async function recordNodeAttempt(
  deps: CycleDeps,
  attempt: AttemptRecord,
  servers?: number,
): Promise<void> {
  const outcome = await recordAttempt(deps.redis, deps.startTerm.value, attempt, servers);
  if (outcome === 'fenced')
    deps.logger.warn(
      { node: attempt.ip, revision: attempt.revision },
      'result not recorded: no longer the push lease holder',
    );
  if (outcome === 'older')
    deps.logger.warn(
      { node: attempt.ip, revision: attempt.revision },
      'result not recorded: the node is recorded at a newer revision',
    );
}

/**
 * Fires the alert of the kind that failed (if any) and resolves every other kind of the
 * node: each kind alerts once when it starts and recovers once when it stops (the
 * outbox drops repeats, so calling this on every attempt is cheap and idempotent).
 */
function settleAlerts(
  deps: CycleDeps,
  ip: string,
  revision: number,
  failure: { kind: AlertedPushFailure; message: string } | undefined,
  now: string,
): void {
  for (const kind of ALERTED_PUSH_FAILURES) {
    if (kind === failure?.kind)
      deps.alerts.fire(pushFailureAlert(kind, ip, revision, failure.message));
    else deps.alerts.resolve(pushFailureRecovery(kind, ip, revision, now));
  }
}
