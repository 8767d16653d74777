import type { Colour } from '../output/colour.js';
import { formatTable } from '../output/table.js';
import { ago } from '../output/time.js';
import type { NodeStatus, StatusModel } from './status-model.js';

const shortHash = (hash: string | undefined) => (hash ? hash.slice(0, 12) : '-');

function healthCell(node: NodeStatus, colour: Colour): string {
  const text = node.stale ? `${node.status} (stale)` : node.status;
  if (node.stale) return colour.yellow(text);
  return node.status === 'UP' ? colour.green(text) : colour.red(text);
}

function revisionCell(node: NodeStatus, colour: Colour): string {
  if (node.appliedRevision === undefined) return colour.yellow('none');
  const text = `${node.appliedRevision} ${shortHash(node.appliedContentHash)}`;
  return node.upToDate === false ? colour.yellow(`${text} (behind)`) : text;
}

/** The one-screen status as text. */
export function formatStatus(model: StatusModel, colour: Colour, now = Date.now()): string {
  const out: string[] = [];
  if (model.push) {
    const push = model.push;
    out.push(
      `${colour.bold('config-push')}  leader ${push.leader || colour.red('none')}  desired revision ${push.desiredRevision} ${shortHash(push.desiredContentHash)}  registry revision ${push.registryRevision}${push.epoch ? ` (store epoch ${push.epoch})` : ''}`,
    );
    for (const refusal of push.refusals) out.push(colour.red(`  refused: ${refusal}`));
  }
  if (model.vip) {
    const vip = model.vip;
    const holder =
      vip.holders.length === 1
        ? colour.green(vip.holders[0] ?? '')
        : vip.holders.length > 1
          ? colour.red(vip.note)
          : colour.yellow(vip.note);
    out.push(`${colour.bold('VIP holder')}  ${holder}`);
  }
  if (model.nodes) {
    out.push('', colour.bold(`nodes (${model.nodes.length})`));
    out.push(
      formatTable(
        ['NODE', 'HEALTH', 'SINCE', 'REASON', 'VRRP', 'APPLIED', 'LAST PUSH'],
        model.nodes.map((node) => [
          node.label ? `${node.ip} (${node.label})` : node.ip,
          healthCell(node, colour),
          ago(node.since ? new Date(node.since) : undefined, now),
          node.reason || '-',
          node.vrrp ? node.vrrp.state : '-',
          revisionCell(node, colour),
          node.lastPush
            ? `${node.lastPush.outcome} r${node.lastPush.revision} ${ago(node.lastPush.finishTime ? new Date(node.lastPush.finishTime) : undefined, now)}${node.lastPush.error ? `: ${node.lastPush.error}` : ''}`
            : '-',
        ]),
      ),
    );
  }
  if (model.instances) {
    const instances = model.instances;
    out.push(
      '',
      colour.bold(`instances (${instances.total}, registry revision ${instances.revision})`),
    );
    if (instances.groups.length > 0)
      out.push(
        formatTable(
          ['GROUP', 'INSTANCES', 'DRAINING', 'BACKUP'],
          instances.groups.map((group) => [
            group.group,
            String(group.instances),
            String(group.draining),
            String(group.backup),
          ]),
        ),
      );
    if (instances.selfPreservation.active)
      out.push(
        colour.yellow(
          `self-preservation ACTIVE since ${instances.selfPreservation.since ?? '?'}: ${instances.selfPreservation.reason}`,
        ),
      );
  }
  if (model.quarantined && model.quarantined.length > 0) {
    out.push('', colour.yellow(`quarantined instances (${model.quarantined.length})`));
    for (const entry of model.quarantined)
      out.push(
        `  ${entry.id}  since ${entry.since ?? '?'}  on ${entry.node}  next check ${entry.nextCheck ?? '?'}  ${entry.reason}`,
      );
  } else if (model.quarantined) {
    out.push('', 'quarantined instances: none');
  }
  if (model.alerts && model.alerts.length > 0) {
    out.push('', colour.bold(`last alerts (${model.alerts.length})`));
    for (const alert of model.alerts) {
      const state = alert.state === 'firing' ? colour.red('FIRING') : colour.green('RESOLVED');
      out.push(
        `  ${ago(alert.time ? new Date(alert.time) : undefined, now)}  ${state}  ${alert.source}: ${alert.message}`,
      );
    }
  } else if (model.alerts) {
    out.push('', 'last alerts: none');
  }
  for (const error of model.errors) out.push(colour.red(error.message));
  return out.join('\n');
}
