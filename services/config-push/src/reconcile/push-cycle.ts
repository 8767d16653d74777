import type { Redis } from 'ioredis';
import { readInstanceSnapshot, readNodesWithStatus, type Logger, type NodeWithStatus } from '@gateway/shared';
import type { AlertSink } from '../alerts/alert-sink.js';
import type { LeaseTerm } from '../leader/push-lease.js';
import { applyOnNode } from '../push/apply-on-node.js';
import { PushError } from '../push/push-error.js';
import type { SshPool } from '../push/ssh-pool.js';
import { checkRender, type Refusal } from '../render/render-guard.js';
import { renderUpstreams } from '../render/render-upstreams.js';
import { readDesiredConfig, writeDesiredConfig, type DesiredConfig } from '../state/desired-config.js';
import { readAppliedRecords, readAttemptRecords, recordAttempt, type AttemptRecord } from '../state/node-records.js';
import type { RetryBackoff } from './retry-backoff.js';

/** What a cycle is asked to do beyond bringing out-of-date UP nodes to the desired config. */
export type CycleRequest = {
  /** Push past the drop guard (never an empty render). */
  readonly force: boolean;
  /** Contact every UP node even when it is recorded up to date (drift check, PushNow). */
  readonly verifyAll: boolean;
  /** Contact these nodes even when recorded up to date or waiting for a retry. */
  readonly verifyNodes: ReadonlySet<string>;
  /** Only these nodes (PushNow for one node); undefined: all. */
  readonly onlyNodes: ReadonlySet<string> | undefined;
};

export type CycleResult = {
  /** The registry revision rendered. */
  readonly registryRevision: number;
  /** What the nodes were asked to run (undefined: nothing was ever accepted). */
  readonly desired: DesiredConfig | undefined;
  readonly refusal: Refusal | undefined;
  /** One per node considered (those left alone because up to date are UNCHANGED, not contacted). */
  readonly results: readonly AttemptRecord[];
};

export type CycleSettings = {
  readonly remoteCommand: string;
  readonly nodeTimeoutMs: number;
  readonly dropGuardShare: number;
  readonly dropGuardMinRemoved: number;
  readonly replicaId: string;
};

export class LostLeaseError extends Error {
  override readonly name = 'LostLeaseError';
}

/**
 * One reconcile pass, run by the lease holder only: render the registry, guard it,
 * record it as desired (fenced), then bring every UP node that does not run it there,
 * in parallel, each within its own timeout. DOWN nodes are recorded as skipped and
 * never contacted. Every record is fenced by the lease term.
 */
export async function runPushCycle(deps: {
  redis: Redis;
  pool: SshPool;
  alerts: AlertSink;
  backoff: RetryBackoff;
  settings: CycleSettings;
  logger: Logger;
  term: () => LeaseTerm | undefined;
  startTerm: LeaseTerm;
  signal: AbortSignal;
}, request: CycleRequest): Promise<CycleResult> {
  const { redis, alerts, backoff, settings, logger, startTerm } = deps;
  const holding = () => deps.term()?.value === startTerm.value && !deps.signal.aborted;

  const snapshot = await readInstanceSnapshot(redis);
  if (snapshot.invalid.length > 0) {
    alerts.raise({
      kind: 'invalid_instances',
      message: `${snapshot.invalid.length} instance(s) in Redis fail validation and are not rendered: ${snapshot.invalid.map((entry) => entry.id).slice(0, 5).join(', ')}`,
      revision: snapshot.revision,
    });
  }
  const render = renderUpstreams(snapshot.instances);
  if (render.skipped.length > 0) logger.error({ skipped: render.skipped }, 'instances left out of the render');
  let desired = await readDesiredConfig(redis);
  const refusal = checkRender({
    servers: render.servers,
    previousServers: desired?.servers,
    force: request.force,
    minShare: settings.dropGuardShare,
    minRemoved: settings.dropGuardMinRemoved,
  });
  if (refusal) {
    alerts.raise({ kind: refusal.kind, message: `revision ${snapshot.revision}: ${refusal.message}`, revision: snapshot.revision });
  } else if (!desired || desired.hash !== render.hash || desired.revision < snapshot.revision) {
    const candidate: DesiredConfig = {
      revision: snapshot.revision,
      hash: render.hash,
      content: render.content,
      servers: render.servers,
      groups: render.groups,
      time: Date.now(),
      fence: startTerm.fence,
    };
    if (!holding()) throw new LostLeaseError('lost the push lease before recording the render');
    const previousHash = desired?.hash;
    const written = await writeDesiredConfig(redis, startTerm.value, candidate);
    if (written === 'fenced') throw new LostLeaseError('another replica holds the push lease');
    desired = written === 'written' ? candidate : await readDesiredConfig(redis);
    if (written === 'written' && previousHash !== render.hash) {
      logger.info({ revision: candidate.revision, hash: candidate.hash, servers: candidate.servers, groups: candidate.groups }, 'new desired config');
    }
  }
  if (!desired) {
    return { registryRevision: snapshot.revision, desired, refusal, results: [] };
  }

  const target = desired;
  const [{ nodes, invalid }, applied, attempts] = await Promise.all([
    readNodesWithStatus(redis),
    readAppliedRecords(redis),
    readAttemptRecords(redis),
  ]);
  if (invalid.length > 0) logger.error({ invalid }, 'nodes of the inventory fail validation: not pushed');
  const now = Date.now();
  const dueRetries = new Set(backoff.due(now));
  const chosen = nodes.filter((node) => request.onlyNodes === undefined || request.onlyNodes.has(node.spec.ip));

  const results = await Promise.all(
    chosen.map(async (node): Promise<AttemptRecord> => {
      const ip = node.spec.ip;
      const base = { ip, revision: target.revision, hash: target.hash, replica: settings.replicaId, fence: startTerm.fence };
      const explicit = request.verifyAll || request.verifyNodes.has(ip);
      if (node.status === 'DOWN') {
        backoff.succeeded(ip);
        const skipped: AttemptRecord = { ...base, outcome: 'SKIPPED_DOWN', error: 'node is DOWN: not contacted', time: Date.now() };
        const last = attempts.get(ip);
        if (last?.outcome !== 'SKIPPED_DOWN' || last.revision !== target.revision) await record(skipped);
        return skipped;
      }
      const runs = applied.get(ip);
      const upToDate = runs !== undefined && runs.hash === target.hash && runs.revision >= target.revision;
      if (upToDate && !explicit) {
        if (dueRetries.has(ip)) backoff.succeeded(ip);
        return { ...base, revision: runs.revision, outcome: 'UNCHANGED', error: '', time: runs.time };
      }
      if (!explicit && backoff.waiting(ip, target.hash, now)) {
        return { ...base, outcome: 'FAILED', error: attempts.get(ip)?.error ?? 'waiting to retry', time: Date.now() };
      }
      const attempt = await pushNode(node, base);
      await record(attempt);
      return attempt;
    }),
  );
  // A retry that came due for a node no longer in the inventory is dropped.
  for (const ip of dueRetries) if (!chosen.some((node) => node.spec.ip === ip)) backoff.succeeded(ip);
  return { registryRevision: snapshot.revision, desired: target, refusal, results };

  async function pushNode(node: NodeWithStatus, base: Omit<AttemptRecord, 'outcome' | 'error' | 'time'>): Promise<AttemptRecord> {
    const started = performance.now();
    const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(settings.nodeTimeoutMs)]);
    try {
      if (!holding()) throw new PushError('not_leader', 'this replica no longer holds the push lease: not pushed');
      const done = await applyOnNode({ pool: deps.pool, node: node.spec, remoteCommand: settings.remoteCommand, config: target, signal });
      backoff.succeeded(node.spec.ip);
      const ms = Math.round(performance.now() - started);
      if (done.outcome === 'APPLIED') logger.info({ node: node.spec.ip, revision: target.revision, hash: target.hash, ms }, 'node applied the config');
      else logger.debug({ node: node.spec.ip, revision: target.revision, ms }, 'node already runs the config');
      return { ...base, outcome: done.outcome, error: '', time: Date.now() };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const timedOut = signal.aborted && !deps.signal.aborted;
      const message = timedOut ? `no result within ${settings.nodeTimeoutMs} ms (CONFIG_PUSH_NODE_TIMEOUT): ${detail}` : detail;
      const kind = error instanceof PushError ? error.kind : 'remote';
      const retryAt = backoff.failed(node.spec.ip, target.hash, Date.now());
      logger.warn({ node: node.spec.ip, revision: target.revision, kind, error: message, retryInMs: retryAt - Date.now() }, 'push to node failed');
      if (kind === 'config_test') alerts.raise({ kind: 'config_test_failed', node: node.spec.ip, revision: target.revision, message: `nginx -t failed on ${node.spec.ip} for revision ${target.revision}; nothing reloaded, the previous config still serves: ${message}` });
      if (kind === 'reload') alerts.raise({ kind: 'reload_failed', node: node.spec.ip, revision: target.revision, message: `reload failed on ${node.spec.ip} for revision ${target.revision}; previous config restored: ${message}` });
      if (kind === 'host_key' || kind === 'auth') alerts.raise({ kind: 'host_key_rejected', node: node.spec.ip, message: `push to ${node.spec.ip} refused: ${message}` });
      return { ...base, outcome: 'FAILED', error: message, time: Date.now() };
    }
  }

  async function record(attempt: AttemptRecord): Promise<void> {
    const outcome = await recordAttempt(redis, startTerm.value, attempt);
    if (outcome === 'fenced') logger.warn({ node: attempt.ip, revision: attempt.revision }, 'result not recorded: no longer the push lease holder');
    if (outcome === 'older') logger.warn({ node: attempt.ip, revision: attempt.revision }, 'result not recorded: the node is recorded at a newer revision');
  }
}
