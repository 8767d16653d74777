import type { Redis } from 'ioredis';
import { BackgroundLoop, readNodesWithStatus, type Alerts, type Logger } from '@gateway/shared';
import { readDesiredSummary } from '../state/desired-config.js';
import { readAppliedRecords, readAttemptRecords } from '../state/node-records.js';
import { convergenceFindings } from './convergence-findings.js';

const NO_PUSHABLE_KEY = 'push:no-pushable-node';

/**
 * Run by the lease holder beside its pusher: every few seconds it compares what each
 * node runs with the desired config and alerts (once per transition, with a recovery)
 * for a node that has lagged longer than `lagAfterMs` and for "no node can be pushed to".
 * A new lease holder counts lag from when it took over.
 */
export function ConvergenceWatch(options: {
  redis: Redis;
  alerts: Alerts;
  lagAfterMs: number;
  logger: Logger;
}): BackgroundLoop {
  const { redis, alerts, lagAfterMs } = options;
  const behindSince = new Map<string, number>();
  return BackgroundLoop({
    name: 'convergence-watch',
    intervalMs: Math.min(5_000, Math.max(250, Math.floor(lagAfterMs / 4))),
    logger: options.logger,
    round: async () => {
      const [{ nodes }, applied, attempts, desired] = await Promise.all([
        readNodesWithStatus(redis),
        readAppliedRecords(redis),
        readAttemptRecords(redis),
        readDesiredSummary(redis),
      ]);
      const findings = convergenceFindings({
        desired,
        nodes: nodes.map((node) => ({
          ip: node.spec.ip,
          status: node.status,
          applied: applied.get(node.spec.ip),
          lastFailed: attempts.get(node.spec.ip)?.outcome === 'FAILED',
        })),
        behindSince,
        now: Date.now(),
        lagAfterMs,
      });
      for (const { ip, since, revision } of findings.lagging) {
        alerts.fire({
          key: `push:lag:${ip}`,
          kind: 'node_lagging',
          node: ip,
          revision: desired?.revision,
          message: `${ip} has not run the desired revision ${desired?.revision} for ${Math.round((Date.now() - since) / 1000)} s (it runs ${revision ?? 'nothing confirmed'}; CONFIG_PUSH_LAG_ALERT_AFTER ${lagAfterMs} ms)`,
          details: { appliedRevision: revision ?? null },
        });
      }
      for (const ip of findings.caughtUp) {
        alerts.resolve({
          key: `push:lag:${ip}`,
          kind: 'node_lagging',
          node: ip,
          revision: desired?.revision,
          message: `${ip} runs the desired revision ${desired?.revision} again`,
        });
      }
      const summary = nodes.map((node) => `${node.spec.ip} ${node.status ?? 'unknown'}`).join(', ');
      if (findings.noPushableNode)
        alerts.fire({
          key: NO_PUSHABLE_KEY,
          kind: 'no_pushable_node',
          message: `no node can be pushed to: every node is DOWN or its last push failed (${summary})`,
        });
      else
        alerts.resolve({
          key: NO_PUSHABLE_KEY,
          kind: 'no_pushable_node',
          message: `a node can be pushed to again (${summary})`,
        });
    },
  });
}
