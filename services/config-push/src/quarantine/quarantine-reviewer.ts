import {
  deadline,
  readInstanceSnapshot,
  readNodesWithStatus,
  readQuarantine,
  type QuarantineEntry,
} from '@gateway/shared';
import { PushError } from '../push/push-error.js';
import { renderUpstreams } from '../render/render-upstreams.js';
import type { PoisonDeps } from './poison-investigation.js';
import { recheckDelay } from './quarantine-bound.js';
import { readmit, writeQuarantine } from './quarantine-store.js';
import { nginxErrorText } from './nginx-error.js';
import { testOnNode } from './test-on-node.js';

/** Re-tests quarantined instances and re-admits those that pass. */
export type QuarantineReviewer = {
  /** Something may have changed (a re-registration): look now. */
  poke(): void;
  stop(): Promise<void>;
};

const PER_ROUND = 4;
const IDLE_LOOK_MS = 30_000;
const MIN_GAP_MS = 250;

/**
 * The lease holder's re-admission loop. Each quarantined instance is tested again when
 * its back-off (CONFIG_PUSH_QUARANTINE_RECHECK_MIN doubling to _MAX) is due, or at once
 * when it was re-registered with another spec: `nginx -t` on one UP node (the one that
 * refused it when it is UP) of the current render plus the instance, never a reload. It
 * passes: re-admitted (alert, and a render at once). It fails: tested again later. An
 * instance no longer registered leaves the quarantine. At most PER_ROUND tests a round.
 */
export function QuarantineReviewer(deps: PoisonDeps, onReadmitted: () => void): QuarantineReviewer {
  const { logger, settings } = deps;
  let wake: (() => void) | undefined;
  let poked = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        deps.signal.removeEventListener('abort', done);
        wake = undefined;
        resolve();
      }
      wake = done;
      deps.signal.addEventListener('abort', done, { once: true });
    });

  const round = async (): Promise<number> => {
    const quarantine = await readQuarantine(deps.redis);
    if (quarantine.size === 0) return IDLE_LOOK_MS;
    const snapshot = await readInstanceSnapshot(deps.redis);
    const byId = new Map(snapshot.instances.map((instance) => [instance.id, instance]));
    const gone = [...quarantine.keys()].filter((id) => !byId.has(id));
    const removed = (await readmit(deps.redis, deps.leaseValue, gone)) ?? [];
    for (const id of removed)
      deps.alerts.resolve({
        key: `quarantine:${id}`,
        kind: 'instance_quarantined',
        message: `instance ${id} left the quarantine: it is no longer registered`,
      });
    const now = Date.now();
    const due = [...quarantine.values()]
      .filter((entry) => byId.has(entry.id))
      .filter(
        (entry) =>
          entry.nextCheckAt <= now || entry.fingerprint !== byId.get(entry.id)!.fingerprint,
      )
      .sort((a, b) => a.nextCheckAt - b.nextCheckAt)
      .slice(0, PER_ROUND);
    const { nodes } = await readNodesWithStatus(deps.redis);
    const up = nodes.filter((node) => node.status === 'UP');
    for (const entry of due) {
      if (deps.signal.aborted || up.length === 0) break;
      const node = up.find((candidate) => candidate.spec.ip === entry.node) ?? up[0];
      const kept = snapshot.instances.filter(
        (instance) => !quarantine.has(instance.id) || instance.id === entry.id,
      );
      const budget = deadline(deps.signal, settings.testTimeoutMs);
      try {
        const verdict = await testOnNode({
          pool: deps.pool,
          node: node.spec,
          remoteCommand: deps.remoteCommand,
          content: renderUpstreams(kept).content,
          signal: budget.signal,
        });
        if (verdict.ok) {
          const readmitted = (await readmit(deps.redis, deps.leaseValue, [entry.id])) ?? [];
          if (readmitted.length > 0) {
            deps.alerts.resolve({
              key: `quarantine:${entry.id}`,
              kind: 'instance_quarantined',
              node: node.spec.ip,
              message: `instance ${entry.id} re-admitted: nginx -t on ${node.spec.ip} accepts it again (quarantined ${Math.round((Date.now() - entry.since) / 1000)} s for: ${entry.reason})`,
            });
            logger.info({ id: entry.id, node: node.spec.ip }, 'instance re-admitted');
            onReadmitted();
          }
        } else {
          await reschedule(entry, byId.get(entry.id)!.fingerprint, nginxErrorText(verdict.message));
        }
      } catch (error) {
        logger.warn(
          {
            id: entry.id,
            node: node.spec.ip,
            err: error instanceof PushError ? error.message : error,
          },
          'quarantine re-test failed to run: trying later',
        );
        await reschedule(entry, byId.get(entry.id)!.fingerprint, entry.reason);
      } finally {
        budget.clear();
      }
    }
    const next = await readQuarantine(deps.redis);
    const earliest = Math.min(...[...next.values()].map((entry) => entry.nextCheckAt));
    return Math.max(100, Math.min(IDLE_LOOK_MS, earliest - Date.now()));
  };

  const reschedule = async (entry: QuarantineEntry, fingerprint: string, reason: string) => {
    const checks = entry.checks + 1;
    // An update adds no entry: the bound does not apply.
    await writeQuarantine(deps.redis, deps.leaseValue, Number.MAX_SAFE_INTEGER, [
      {
        ...entry,
        fingerprint,
        reason: reason.slice(0, 500),
        checks,
        nextCheckAt:
          Date.now() + recheckDelay(checks, settings.recheckMinMs, settings.recheckMaxMs),
      },
    ]);
  };

  const loop = (async () => {
    while (!deps.signal.aborted) {
      let waitMs: number;
      poked = false;
      try {
        waitMs = await round();
      } catch (error) {
        if (deps.signal.aborted) break;
        logger.warn({ err: error }, 'quarantine review failed: retrying');
        waitMs = settings.recheckMinMs;
      }
      // A poke cuts the wait short, but rounds stay MIN_GAP_MS apart (a burst of changes).
      await sleep(poked ? MIN_GAP_MS : waitMs);
    }
  })();

  return {
    poke() {
      poked = true;
      wake?.();
    },
    async stop() {
      wake?.();
      await loop;
    },
  };
}
