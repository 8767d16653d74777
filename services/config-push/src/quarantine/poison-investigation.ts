import {
  deadline,
  readInstanceSnapshot,
  readQuarantine,
  type Alerts,
  type LeasedInstance,
  type Logger,
  type NodeSpecData,
  type QuarantineEntry,
} from '@gateway/shared';
import type { Redis } from 'ioredis';
import type { SshPool } from '../push/ssh-pool.js';
import { fileText, renderUpstreams } from '../render/render-upstreams.js';
import type { DesiredConfig } from '../state/desired-config.js';
import { bisectCulprit } from './bisect.js';
import { lineOwners } from './line-owners.js';
import { isRenderedFile, nginxErrorSite, nginxErrorText } from './nginx-error.js';
import { quarantineLimit, recheckDelay } from './quarantine-bound.js';
import type { QuarantineSettings } from './quarantine-settings.js';
import { writeQuarantine } from './quarantine-store.js';
import { testOnNode } from './test-on-node.js';

export type PoisonDeps = {
  readonly redis: Redis;
  readonly pool: SshPool;
  readonly alerts: Alerts;
  readonly logger: Logger;
  readonly remoteCommand: string;
  readonly settings: QuarantineSettings;
  /** The lease term value writes are fenced with. */
  readonly leaseValue: string;
  readonly signal: AbortSignal;
};

/**
 * After `nginx -t` refused `target` on `node`: finds the instances responsible and
 * quarantines them. The line nginx names in the rendered file gives them at once (a
 * `server` line: its instance; an `upstream` or `map` line: its group's); when nginx
 * names no file, a bisection with `nginx -t` on the node (never a reload) finds one.
 * When it names another file of the node, the node's own config is at fault: nothing is
 * quarantined. Returns the ids quarantined (empty when none: the push fails as before).
 */
export async function investigatePoison(
  deps: PoisonDeps,
  node: NodeSpecData,
  target: DesiredConfig,
  message: string,
): Promise<readonly string[]> {
  const { logger } = deps;
  const snapshot = await readInstanceSnapshot(deps.redis);
  const byId = new Map(snapshot.instances.map((instance) => [instance.id, instance]));
  const owners = lineOwners(fileText(target.content));
  const rendered = [...new Set([...owners.values()].flat())]
    .map((id) => byId.get(id))
    .filter((instance): instance is LeasedInstance => instance !== undefined);
  let culprits: readonly string[] = [];
  let reason = nginxErrorText(message);
  const site = nginxErrorSite(message);
  if (site && !isRenderedFile(site.file, node.configPath)) {
    // nginx blames the node's own config (e.g. a local upstream of the same name): a node-side
    // fault, alerted as config_test_failed for that node; the instances are not to blame.
    logger.warn({ node: node.ip, file: site.file }, 'nginx -t blames a node-side file');
    return [];
  }
  if (site) culprits = (owners.get(site.line) ?? []).filter((id) => byId.has(id));
  if (culprits.length === 0 && rendered.length > 0) {
    const budget = deadline(deps.signal, deps.settings.testTimeoutMs);
    try {
      const ordered = [...rendered].sort(primariesFirst);
      const found = await bisectCulprit(
        ordered.map((instance) => instance.id),
        (subset) =>
          testOnNode({
            pool: deps.pool,
            node,
            remoteCommand: deps.remoteCommand,
            content: renderUpstreams(subset.map((id) => byId.get(id)!)).content,
            signal: budget.signal,
          }),
        (a, b) => nginxErrorText(a) === nginxErrorText(b),
        message,
      );
      logger.info({ node: node.ip, tests: found.tests, found: found.found }, 'poison bisection');
      if (!found.found) {
        logger.warn({ node: node.ip, why: found.why }, 'no poison instance found');
        return [];
      }
      culprits = [found.culprit];
      reason = `${nginxErrorText(found.message)} (found by bisection in ${found.tests} tests)`;
    } catch (error) {
      logger.warn({ node: node.ip, err: error }, 'poison bisection failed: nothing quarantined');
      return [];
    } finally {
      budget.clear();
    }
  }
  if (culprits.length === 0) return [];
  return await quarantine(deps, snapshot.instances.length, culprits, byId, node.ip, reason);
}

async function quarantine(
  deps: PoisonDeps,
  registered: number,
  ids: readonly string[],
  byId: ReadonlyMap<string, LeasedInstance>,
  nodeIp: string,
  reason: string,
): Promise<readonly string[]> {
  const now = Date.now();
  const { settings } = deps;
  const existing = await readQuarantine(deps.redis);
  const entries: QuarantineEntry[] = ids.map((id) => ({
    id,
    fingerprint: byId.get(id)!.fingerprint,
    reason: reason.slice(0, 500),
    node: nodeIp,
    since: existing.get(id)?.since ?? now,
    checks: 0,
    nextCheckAt: now + recheckDelay(0, settings.recheckMinMs, settings.recheckMaxMs),
  }));
  const limit = quarantineLimit(registered, settings.maxShare, settings.minAllowed);
  const written = await writeQuarantine(deps.redis, deps.leaseValue, limit, entries);
  if (written.outcome === 'fenced') return [];
  if (written.outcome === 'full') {
    deps.alerts.fire({
      key: 'quarantine:full',
      kind: 'quarantine_full',
      node: nodeIp,
      message: `nginx -t on ${nodeIp} refuses instance(s) ${ids.join(', ')} (${reason}), but quarantining them would pass the limit of ${limit} of ${registered} instances (CONFIG_PUSH_QUARANTINE_MAX_SHARE / _MIN): not quarantined; pushes keep failing and the nodes keep their config until an operator fixes or removes them`,
    });
    return [];
  }
  deps.alerts.resolve({
    key: 'quarantine:full',
    kind: 'quarantine_full',
    message: `instances refused by nginx -t fit in the quarantine limit again`,
  });
  for (const id of written.added) {
    deps.alerts.fire({
      key: `quarantine:${id}`,
      kind: 'instance_quarantined',
      node: nodeIp,
      message: `instance ${id} quarantined: left out of the Nginx config because nginx -t on ${nodeIp} refuses it: ${reason}`,
    });
  }
  deps.logger.warn({ ids, node: nodeIp, reason }, 'instances quarantined');
  return ids;
}

/** Group by group, primaries before backups: a prefix never fails for want of a later primary. */
function primariesFirst(a: LeasedInstance, b: LeasedInstance): number {
  if (a.spec.group !== b.spec.group) return a.spec.group < b.spec.group ? -1 : 1;
  if (a.spec.backup !== b.spec.backup) return a.spec.backup ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
