import type { Alerts, HealthStatusName, NodeSpecData } from '@gateway/shared';

/**
 * The alert of a node's status transition: a node's first UP is no news; every DOWN
 * fires `node-down:<ip>`, and the UP after it resolves it (one each: see Alerts).
 */
export function alertTransition(
  alerts: Alerts,
  transition: {
    spec: NodeSpecData;
    status: HealthStatusName;
    previous: HealthStatusName | undefined;
    reason: string;
    trigger: string;
    reporter: string;
    consecutiveFailures: number;
  },
): void {
  const { spec, status, previous, reason } = transition;
  if (status !== 'DOWN' && previous !== 'DOWN') return;
  const label = spec.label ? ` (${spec.label})` : '';
  const alert = {
    key: `node-down:${spec.ip}`,
    kind: 'node_down',
    node: spec.ip,
    details: {
      label: spec.label,
      healthUrl: spec.healthUrl,
      status,
      previous: previous ?? null,
      reason,
      trigger: transition.trigger,
      reporter: transition.reporter,
      consecutiveFailures: transition.consecutiveFailures,
    },
  };
  if (status === 'DOWN')
    alerts.fire({ ...alert, message: `Nginx node ${spec.ip}${label} is DOWN: ${reason}` });
  else
    alerts.resolve({ ...alert, message: `Nginx node ${spec.ip}${label} is UP again: ${reason}` });
}
