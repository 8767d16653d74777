import { HEALTH_STATUSES, type HealthStatusName } from './node.js';

/** A message of `RedisChannels.healthChanges`: one node's UP/DOWN transition. */
export type HealthChange = {
  readonly ip: string;
  readonly status: HealthStatusName;
  /** undefined for the node's first status. */
  readonly previous: HealthStatusName | undefined;
  /** Epoch ms (Redis clock) of the transition. */
  readonly time: number;
  readonly reason: string;
  /** The health revision the transition produced (`RedisKeys.healthRevision`). */
  readonly revision: number;
};

/** Parses a health change message; undefined when it is not one. */
export function parseHealthChange(message: string): HealthChange | undefined {
  try {
    const raw = JSON.parse(message) as Record<string, unknown>;
    if (typeof raw['ip'] !== 'string' || !HEALTH_STATUSES.includes(raw['status'] as never))
      return undefined;
    const previous = HEALTH_STATUSES.includes(raw['previous'] as never)
      ? (raw['previous'] as HealthStatusName)
      : undefined;
    return {
      ip: raw['ip'],
      status: raw['status'] as HealthStatusName,
      previous,
      time: Number(raw['time'] ?? 0),
      reason: typeof raw['reason'] === 'string' ? raw['reason'] : '',
      revision: Number(raw['revision'] ?? 0),
    };
  } catch {
    return undefined;
  }
}
