import type { Alert as PushAlert, GetPushStatusResponse } from '@gateway/proto/configpush';
import type { Alert as HealthAlert } from '@gateway/proto/health';
import type { ListInstancesResponse } from '@gateway/proto/registry';
import type { Node } from '@gateway/proto/health';
import {
  instanceView,
  nodeView,
  pushResultView,
  type NodeView,
  type PushResultView,
} from '../output/views.js';
import { isoTime } from '../output/time.js';
import { vipHolder, type VipStatus } from './vip-holder.js';

/** One node's line of the status screen: health joined with what config-push recorded for it. */
export type NodeStatus = NodeView & {
  appliedRevision: number | undefined;
  /** The store epoch appliedRevision counts in (a new one after Redis lost its data). */
  appliedEpoch: string | undefined;
  appliedContentHash: string | undefined;
  appliedTime: string | undefined;
  /** Applied content equals the desired content. */
  upToDate: boolean | undefined;
  lastPush: PushResultView | undefined;
};

export type GroupStatus = { group: string; instances: number; draining: number; backup: number };

/**
 * The `status` screen as data. A section a service could not answer is undefined and
 * its error is listed. `quarantined` lists the instances config-push leaves out of the
 * config (undefined when config-push did not answer). `alerts` stays null until the services
 * report their alerts (no proto field in this version's contracts); the screen says so.
 */
export type StatusModel = {
  nodes: NodeStatus[] | undefined;
  push:
    | {
        leader: string;
        desiredRevision: number;
        desiredEpoch: string;
        epoch: string;
        desiredContentHash: string;
        registryRevision: number;
        refusals: string[];
      }
    | undefined;
  instances:
    | {
        total: number;
        revision: number;
        epoch: string;
        groups: GroupStatus[];
        selfPreservation: { active: boolean; reason: string; since: string | undefined };
      }
    | undefined;
  quarantined: QuarantinedStatus[] | undefined;
  /** Who holds the VIP, from the VRRP state each node reports (undefined when health did not answer). */
  vip: VipStatus | undefined;
  alerts: AlertStatus[] | undefined;
  errors: { service: string; message: string }[];
};

export type QuarantinedStatus = {
  id: string;
  reason: string;
  node: string;
  since: string | undefined;
  nextCheck: string | undefined;
  failedChecks: number;
};

/** One alert of the status screen (ListRecentAlerts of health or config-push). */
export type AlertStatus = {
  source: string;
  state: 'firing' | 'resolved';
  kind: string;
  key: string;
  message: string;
  node: string;
  time: string | undefined;
};

/** AlertState.ALERT_STATE_FIRING, the same number in health's and config-push's contracts. */
const FIRING = 1;

/** The alerts the status screen shows at most. */
export const STATUS_ALERTS = 10;

export type StatusInputs = {
  /** Each service's answer to ListRecentAlerts (a service that did not answer is absent). */
  alerts?: readonly (readonly (HealthAlert | PushAlert)[])[];
  nodes?: readonly Node[];
  push?: GetPushStatusResponse;
  instances?: ListInstancesResponse;
  errors: { service: string; message: string }[];
};

/** Joins the three services' answers (pure: unit-tested). */
export function buildStatus(inputs: StatusInputs): StatusModel {
  const pushByIp = new Map((inputs.push?.nodes ?? []).map((entry) => [entry.nodeIp, entry]));
  const desiredHash = inputs.push?.desiredContentHash;
  const nodes = inputs.nodes?.map((node): NodeStatus => {
    const view = nodeView(node);
    const pushed = pushByIp.get(view.ip);
    const applied = pushed && pushed.appliedRevision > 0 ? pushed : undefined;
    return {
      ...view,
      appliedRevision: applied?.appliedRevision,
      appliedEpoch: applied?.appliedEpoch,
      appliedContentHash: applied?.appliedContentHash,
      appliedTime: isoTime(applied?.appliedTime),
      upToDate: desiredHash ? applied?.appliedContentHash === desiredHash : undefined,
      lastPush: pushed?.lastResult ? pushResultView(pushed.lastResult) : undefined,
    };
  });
  const push = inputs.push && {
    leader: inputs.push.leader,
    desiredRevision: inputs.push.desiredRevision,
    desiredEpoch: inputs.push.desiredEpoch,
    epoch: inputs.push.epoch,
    desiredContentHash: inputs.push.desiredContentHash,
    registryRevision: inputs.push.registryRevision,
    refusals: inputs.push.refusals,
  };
  let instances: StatusModel['instances'];
  if (inputs.instances) {
    const groups = new Map<string, GroupStatus>();
    for (const instance of inputs.instances.instances.map(instanceView)) {
      const group = groups.get(instance.group) ?? {
        group: instance.group,
        instances: 0,
        draining: 0,
        backup: 0,
      };
      group.instances += 1;
      if (instance.adminState === 'DRAINING') group.draining += 1;
      if (instance.backup) group.backup += 1;
      groups.set(instance.group, group);
    }
    const preservation = inputs.instances.selfPreservation;
    instances = {
      total: inputs.instances.instances.length,
      revision: inputs.instances.revision,
      epoch: inputs.instances.epoch,
      groups: [...groups.values()].sort((a, b) => a.group.localeCompare(b.group)),
      selfPreservation: {
        active: preservation?.active ?? false,
        reason: preservation?.reason ?? '',
        since: isoTime(preservation?.decideTime),
      },
    };
  }
  const quarantined = inputs.push?.quarantinedInstances.map((entry): QuarantinedStatus => ({
    id: entry.instanceId,
    reason: entry.reason,
    node: entry.nodeIp,
    since: isoTime(entry.quarantineTime),
    nextCheck: isoTime(entry.nextCheckTime),
    failedChecks: entry.failedChecks,
  }));
  const alerts = inputs.alerts
    ?.flat()
    .map((alert): AlertStatus => ({
      source: alert.source,
      state: (alert.state as number) === FIRING ? 'firing' : 'resolved',
      kind: alert.kind,
      key: alert.key,
      message: alert.message,
      node: alert.node,
      time: isoTime(alert.raiseTime),
    }))
    .sort((a, b) => (b.time ?? '').localeCompare(a.time ?? ''))
    .slice(0, STATUS_ALERTS);
  const vip = nodes ? vipHolder(nodes) : undefined;
  return { nodes, push, instances, quarantined, vip, alerts, errors: inputs.errors };
}
