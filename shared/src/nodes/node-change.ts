/** A message of `RedisChannels.nodeChanges`: the inventory changed. */
export type NodeChange = {
  readonly type: 'ADDED' | 'UPDATED' | 'REMOVED';
  readonly ip: string;
  /** The inventory revision it produced (`RedisKeys.nodesRevision`). */
  readonly revision: number;
};

const TYPES = ['ADDED', 'UPDATED', 'REMOVED'];

/** Parses a node change message; undefined when it is not one. */
export function parseNodeChange(message: string): NodeChange | undefined {
  try {
    const raw = JSON.parse(message) as Record<string, unknown>;
    if (typeof raw['ip'] !== 'string' || !TYPES.includes(raw['type'] as string)) return undefined;
    return {
      type: raw['type'] as NodeChange['type'],
      ip: raw['ip'],
      revision: Number(raw['revision'] ?? 0),
    };
  } catch {
    return undefined;
  }
}
