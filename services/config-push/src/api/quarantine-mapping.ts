import type { QuarantinedInstance } from '@gateway/proto/configpush';
import type { QuarantineEntry } from '@gateway/shared';

/** The quarantine as GetPushStatus shows it, by instance id. */
export function quarantineToProto(
  quarantine: ReadonlyMap<string, QuarantineEntry>,
): QuarantinedInstance[] {
  return [...quarantine.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((entry) => ({
      instanceId: entry.id,
      reason: entry.reason,
      nodeIp: entry.node,
      quarantineTime: new Date(entry.since),
      nextCheckTime: new Date(entry.nextCheckAt),
      failedChecks: entry.checks,
    }));
}
