import type { NodeWithStatus } from '@gateway/shared';
import { readNodeRunState } from '../push/node-state.js';
import type { DesiredConfig } from '../state/desired-config.js';
import type { CycleDeps } from './cycle-types.js';
import { decideEpochPush } from './epoch-guard.js';

/**
 * Before pushing a config to a node whose applied state Redis does not hold for the
 * config's store epoch (a new epoch: Redis lost its data and with it the applied
 * records), asks the node what it runs and applies the new-epoch drop guard against
 * that. Returns why the push is held back (then retried when the settle time ends, or
 * sooner with a new render), or undefined to push.
 */
export async function holdForNewEpoch(
  deps: CycleDeps,
  node: NodeWithStatus,
  target: DesiredConfig,
  force: boolean,
  signal: AbortSignal,
): Promise<string | undefined> {
  const { settings, epochs, logger } = deps;
  const ip = node.spec.ip;
  const runs = await readNodeRunState({
    pool: deps.pool,
    node: node.spec,
    remoteCommand: settings.remoteCommand,
    signal,
  });
  if (runs.epoch !== '') epochs.observe(runs.epoch, target.epoch, `node ${ip}`);
  const decision = decideEpochPush({
    target: { epoch: target.epoch, servers: target.servers },
    node: runs,
    force,
    minShare: settings.dropGuardShare,
    minRemoved: settings.dropGuardMinRemoved,
    settleMs: settings.dropGuardSettleMs,
    epochSeenAt: epochs.firstSeen(target.epoch),
    now: Date.now(),
  });
  const hold = { key: `push:epoch-hold:${target.epoch}`, kind: 'drop_guard' };
  if (decision.push) {
    deps.alerts.resolve({
      ...hold,
      message: `store epoch ${target.epoch}: configs are no longer held back`,
    });
    return undefined;
  }
  deps.backoff.deferUntil(ip, target.hash, decision.retryAt);
  logger.warn(
    {
      node: ip,
      epoch: target.epoch,
      revision: target.revision,
      servers: target.servers,
      nodeServers: runs.servers,
      nodeEpoch: runs.epoch,
      retryAt: decision.retryAt,
    },
    'push held back by the new-epoch drop guard',
  );
  // One alert per epoch (one condition for every node and render), recovered when pushes go on.
  deps.alerts.fire({
    ...hold,
    message: `store epoch ${target.epoch} is new: configs that would drop most of the servers the nodes run are held back while the registrars register again, until CONFIG_PUSH_DROP_GUARD_SETTLE passes or PushNow force`,
  });
  return decision.message;
}
