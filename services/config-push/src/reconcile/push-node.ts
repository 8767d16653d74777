import { deadline, type NodeWithStatus } from '@gateway/shared';
import { applyOnNode } from '../push/apply-on-node.js';
import { PushError } from '../push/push-error.js';
import type { DesiredConfig } from '../state/desired-config.js';
import { recordAttempt, type AppliedRecord, type AttemptRecord } from '../state/node-records.js';
import { stillHolding, type CycleDeps } from './cycle-types.js';
import { holdForNewEpoch } from './epoch-check.js';

/**
 * Pushes the desired config to one UP node within CONFIG_PUSH_NODE_TIMEOUT and records
 * the attempt (fenced). A failure schedules a retry with backoff and raises the alert it
 * deserves (nginx -t, reload, host key or authentication refused).
 */
export async function pushNode(
  deps: CycleDeps,
  node: NodeWithStatus,
  target: DesiredConfig,
  options: { force: boolean; applied: AppliedRecord | undefined },
): Promise<AttemptRecord> {
  const { settings, backoff, logger } = deps;
  const ip = node.spec.ip;
  const base = {
    ip,
    epoch: target.epoch,
    revision: target.revision,
    hash: target.hash,
    replica: settings.replicaId,
    fence: deps.startTerm.fence,
  };
  const started = performance.now();
  backoff.started(ip);
  const nodeDeadline = deadline(deps.signal, settings.nodeTimeoutMs);
  const signal = nodeDeadline.signal;
  let attempt: AttemptRecord;
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
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const timedOut = signal.aborted && !deps.signal.aborted;
    const message = timedOut
      ? `no result within ${settings.nodeTimeoutMs} ms (CONFIG_PUSH_NODE_TIMEOUT): ${detail}`
      : detail;
    const kind = error instanceof PushError ? error.kind : 'remote';
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
    raiseAlert(deps, kind, ip, target.revision, message);
    attempt = { ...base, outcome: 'FAILED', error: message, time: Date.now() };
  } finally {
    nodeDeadline.clear();
  }
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

function raiseAlert(
  deps: CycleDeps,
  kind: string,
  ip: string,
  revision: number,
  message: string,
): void {
  if (kind === 'config_test') {
    deps.alerts.raise({
      kind: 'config_test_failed',
      node: ip,
      revision,
      message: `nginx -t failed on ${ip} for revision ${revision}; nothing reloaded, the previous config still serves: ${message}`,
    });
  } else if (kind === 'reload') {
    deps.alerts.raise({
      kind: 'reload_failed',
      node: ip,
      revision,
      message: `reload failed on ${ip} for revision ${revision}; previous config restored: ${message}`,
    });
  } else if (kind === 'host_key' || kind === 'auth') {
    deps.alerts.raise({
      kind: 'host_key_rejected',
      node: ip,
      message: `push to ${ip} refused: ${message}`,
    });
  }
}
