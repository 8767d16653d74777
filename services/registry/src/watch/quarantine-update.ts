import type { Redis } from 'ioredis';
import { ChangeType, type InstanceChange } from '@gateway/proto/registry';
import {
  decodeStoredInstance,
  readQuarantineEntry,
  RedisKeys,
  type QuarantineChange,
  type QuarantineEntry,
} from '@gateway/shared';
import { instanceToProto } from '../api/response-mapping.js';

/**
 * Applies a quarantine transition to a stream's view and returns the UPDATED change to
 * send (the instance as stored, with or without its quarantine); undefined when the
 * instance is gone or outside the watched group.
 */
export async function quarantineUpdate(
  redis: Redis,
  change: QuarantineChange,
  group: string,
  quarantine: Map<string, QuarantineEntry>,
): Promise<InstanceChange | undefined> {
  const entry =
    change.type === 'QUARANTINED' ? await readQuarantineEntry(redis, change.id) : undefined;
  if (entry) quarantine.set(change.id, entry);
  else quarantine.delete(change.id);
  const json = await redis.hget(RedisKeys.instances, change.id);
  if (json === null) return undefined;
  let stored;
  try {
    stored = decodeStoredInstance(change.id, json);
  } catch {
    return undefined;
  }
  if (group !== '' && stored.spec.group !== group) return undefined;
  return {
    type: ChangeType.CHANGE_TYPE_UPDATED,
    instanceId: change.id,
    instance: instanceToProto(stored, entry),
  };
}
