import type { Redis } from 'ioredis';
import {
  applyProbeResultScript,
  RedisChannels,
  RedisKeys,
  readNodesWithStatus,
  restartProbeWindowScript,
  type Alerts,
  type HealthStatusName,
  type Logger,
  type NodeSpecData,
} from '@gateway/shared';
import { keepUnconfirmed } from '../confirm/keep-unconfirmed.js';
import type { MassFailureCheck } from '../confirm/mass-failure-check.js';
import type { HttpProber, ProbeOutcome } from './http-prober.js';
import type { MassFailurePolicy } from './mass-failure.js';
import type { ProbeGate } from './probe-gate.js';
import type { ProbeObserver } from './probe-observer.js';
import { RoundHold } from './round-hold.js';
import { alertTransition } from './transition-alert.js';

/** Why a round runs: the periodic poll, a suspect report, an admin's ProbeNow, a node just added. */
export type ProbeTrigger = 'poll' | 'suspect' | 'manual' | 'added';

export type RoundRequest = {
  readonly trigger: ProbeTrigger;
  /** The reporter whose suspect report started the round. */
  readonly reporter?: string;
  /** Only these nodes (default: every node of the inventory). */
  readonly ips?: readonly string[];
  /** The coalescing window this round opened: restarted when the probes go out. */
  readonly window?: { readonly id: string; readonly ms: number };
};

export type NodeProbeResult = ProbeOutcome & {
  readonly ip: string;
  /** The status after applying the result (undefined: not decided yet, or the node was removed meanwhile). */
  readonly status: HealthStatusName | undefined;
  readonly changed: boolean;
};

export type ProbeRunner = {
  /** Probes the nodes in parallel; resolves with every result once all are applied. */
  runRound(request: RoundRequest, signal?: AbortSignal): Promise<NodeProbeResult[]>;
  /** Same, in the background (tracked: stop() waits for it). */
  startRound(request: RoundRequest): void;
  /** Cancels probes in flight and waits for the rounds to end. */
  stop(): Promise<void>;
};

/**
 * Runs probe rounds: every node in parallel, each result applied (Lua, atomic) as soon
 * as its own probe ends, so a hanging node never delays the others. A node already
 * being probed by this replica is not probed twice: the round joins that probe. The
 * replica whose write flipped a status is the one that raises the alert.
 */
export function ProbeRunner(deps: {
  redis: Redis;
  prober: HttpProber;
  alerts: Alerts;
  /** Spaces the probes of suspect-triggered rounds (see ProbeGate). */
  gate: ProbeGate;
  damping: { rise: number; fall: number };
  /** Rounds that fail (nearly) every node are confirmed before anything is marked DOWN. */
  massFailure: { policy: MassFailurePolicy; check: MassFailureCheck };
  replicaId: string;
  logger: Logger;
  /** Told of every probe this replica makes, and of every status change its writes made (metrics). */
  observer?: ProbeObserver;
}): ProbeRunner {
  const { redis, prober, logger } = deps;
  const stopController = new AbortController();
  const inFlight = new Map<string, Promise<NodeProbeResult>>();
  const rounds = new Set<Promise<unknown>>();
  let gateTokens = 0;

  /** The probe itself; a suspect-triggered one waits for the node's gate first. */
  const gatedProbe = async (
    spec: NodeSpecData,
    request: RoundRequest,
  ): Promise<ProbeOutcome | undefined> => {
    if (request.trigger !== 'suspect')
      return await prober.probe(spec.healthUrl, stopController.signal);
    const token = `${deps.replicaId}#${++gateTokens}`;
    try {
      if (!(await deps.gate.acquire(spec.ip, token, stopController.signal))) return undefined;
    } catch (error) {
      if (stopController.signal.aborted)
        return { healthy: false, latencyMs: 0, detail: 'probe cancelled (shutting down)' };
      throw error;
    }
    try {
      return await prober.probe(spec.healthUrl, stopController.signal);
    } finally {
      await deps.gate
        .release(spec.ip, token)
        .catch((error: unknown) =>
          logger.warn({ err: error, ip: spec.ip }, 'cannot release the probe gate'),
        );
    }
  };

  const probeAndApply = async (
    spec: NodeSpecData,
    probeTime: number,
    request: RoundRequest,
    hold: RoundHold,
  ): Promise<NodeProbeResult> => {
    let outcome = await gatedProbe(spec, request);
    if (outcome) deps.observer?.probed(spec.ip, outcome);
    if (outcome?.healthy) hold.observe(true);
    else if (!outcome) hold.settled();
    else {
      const verdict = await hold.failed(spec.ip, outcome);
      if (verdict.action === 'keep') {
        const status = await keepUnconfirmed(redis, spec.ip, verdict.reason, logger);
        return { ip: spec.ip, ...outcome, status, changed: false };
      }
      if (verdict.action === 'apply-instead') outcome = verdict.outcome;
    }
    if (!outcome) {
      // Other suspect-triggered probes kept the node's gate: their results are fresher than ours would be.
      const status = (await redis.get(RedisKeys.healthStatus(spec.ip))) as HealthStatusName | null;
      return {
        ip: spec.ip,
        healthy: status !== 'DOWN',
        latencyMs: 0,
        detail: 'probed by another round moments ago',
        status: status ?? undefined,
        changed: false,
      };
    }
    if (stopController.signal.aborted)
      return { ip: spec.ip, ...outcome, status: undefined, changed: false };
    const reply = (await applyProbeResultScript.run(
      redis,
      [
        RedisKeys.nodes,
        RedisKeys.healthStatus(spec.ip),
        RedisKeys.healthDetail(spec.ip),
        RedisKeys.healthRevision,
      ],
      [
        spec.ip,
        outcome.healthy ? 1 : 0,
        probeTime,
        outcome.latencyMs,
        outcome.detail,
        deps.damping.rise,
        deps.damping.fall,
        request.trigger,
        request.reporter ?? '',
        deps.replicaId,
        RedisChannels.healthChanges,
        outcome.vrrp?.state ?? '',
        outcome.vrrp?.instance ?? '',
        outcome.vrrp?.changeTime ?? '',
      ],
    )) as Array<number | string>;
    if (reply[0] === -1) return { ip: spec.ip, ...outcome, status: undefined, changed: false };
    if (reply[0] === -2) {
      logger.debug({ ip: spec.ip }, 'probe result older than the last applied: dropped');
      return {
        ip: spec.ip,
        ...outcome,
        status: (await redis.get(RedisKeys.healthStatus(spec.ip))) as HealthStatusName | undefined,
        changed: false,
      };
    }
    const status = (reply[1] || undefined) as HealthStatusName | undefined;
    const previous = (reply[2] || undefined) as HealthStatusName | undefined;
    const changed = reply[0] === 1;
    if (changed && status) {
      deps.observer?.changed(spec.ip, status);
      const reason = outcome.healthy
        ? `${previous ? 'recovered' : 'first probe'}: ${outcome.detail}`
        : outcome.detail;
      logger.warn(
        {
          ip: spec.ip,
          status,
          previous,
          reason,
          trigger: request.trigger,
          reporter: request.reporter,
        },
        `node ${spec.ip} is ${status}`,
      );
      alertTransition(deps.alerts, {
        spec,
        status,
        previous,
        reason,
        trigger: request.trigger,
        reporter: request.reporter ?? '',
        consecutiveFailures: Number(reply[3]),
      });
    }
    return { ip: spec.ip, ...outcome, status, changed };
  };

  const probeNode = (
    spec: NodeSpecData,
    probeTime: number,
    request: RoundRequest,
    hold: RoundHold,
  ): Promise<NodeProbeResult> => {
    const running = inFlight.get(spec.ip);
    if (running) {
      // Another round's probe: its result counts in this round, its verdict is that round's.
      running.then(
        (result) => hold.observe(result.healthy),
        () => hold.settled(),
      );
      return running;
    }
    let counted = false;
    const counting: RoundHold = {
      observe: (healthy) => ((counted = true), hold.observe(healthy)),
      failed: (ip, outcome) => ((counted = true), hold.failed(ip, outcome)),
      settled: () => ((counted = true), hold.settled()),
    };
    const task = probeAndApply(spec, probeTime, request, counting)
      .catch((error: unknown) => {
        if (!counted) hold.settled();
        throw error;
      })
      .finally(() => inFlight.delete(spec.ip));
    inFlight.set(spec.ip, task);
    return task;
  };

  const runRound = async (
    request: RoundRequest,
    signal?: AbortSignal,
  ): Promise<NodeProbeResult[]> => {
    if (stopController.signal.aborted) return [];
    const [{ nodes, invalid }, time] = await Promise.all([
      readNodesWithStatus(redis),
      redis.time(),
    ]);
    if (invalid.length > 0) logger.error({ invalid }, 'nodes in Redis fail validation: not probed');
    const probeTime = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    const selected = request.ips
      ? nodes.filter((node) => request.ips!.includes(node.spec.ip))
      : nodes;
    if (request.window) {
      await restartProbeWindowScript.run(
        redis,
        [RedisKeys.healthProbeWindow],
        [request.window.id, request.window.ms],
      );
    }
    const specs = new Map(selected.map((node) => [node.spec.ip, node.spec]));
    const hold = RoundHold(
      selected.length,
      deps.massFailure.policy,
      deps.massFailure.check.confirmer(specs, selected.length),
    );
    const tasks = selected.map((node) => probeNode(node.spec, probeTime, request, hold));
    const all = Promise.all(tasks).then((results) => {
      if (results.some((result) => result.healthy)) deps.massFailure.check.seesNodes();
      return results;
    });
    if (!signal) return await all;
    // The caller may stop waiting (client gone); the probes still finish and apply.
    return await Promise.race([
      all,
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
    ]);
  };

  return {
    runRound,
    startRound(request) {
      if (stopController.signal.aborted) return;
      const round = runRound(request).then(
        (results) => {
          const down = results
            .filter((result) => !result.healthy)
            .map((result) => `${result.ip} (${result.detail})`);
          logger.debug(
            { trigger: request.trigger, nodes: results.length, failed: down },
            'probe round done',
          );
        },
        (error: unknown) =>
          logger.warn({ err: error, trigger: request.trigger }, 'probe round failed'),
      );
      rounds.add(round);
      void round.finally(() => rounds.delete(round));
    },
    async stop() {
      stopController.abort();
      await Promise.allSettled([...rounds, ...inFlight.values()]);
    },
  };
}
