import type { Redis } from 'ioredis';
import {
  addNodeScript,
  nodeSpecJson,
  RedisChannels,
  RedisKeys,
  removeNodeScript,
  updateNodeScript,
  type NodeSpecData,
} from '@gateway/shared';

/** The inventory's writes to Redis: each one a single Lua script (write, revision, publish). */
export type NodeStore = {
  /**
   * Adds a node; 'full' when the inventory holds `maxNodes` already. Declared nodes
   * (`declared`) are not capped: the configuration that lists them is checked against it.
   */
  add(spec: NodeSpecData, options?: { declared?: boolean }): Promise<'added' | 'exists' | 'full'>;
  update(spec: NodeSpecData): Promise<'updated' | 'unchanged' | 'unknown'>;
  remove(ip: string): Promise<'removed' | 'unknown'>;
};

export function NodeStore(redis: Redis, maxNodes: number): NodeStore {
  return {
    async add(spec, options = {}) {
      const reply = (await addNodeScript.run(
        redis,
        [RedisKeys.nodes, RedisKeys.nodesRevision],
        [spec.ip, nodeSpecJson(spec), RedisChannels.nodeChanges, options.declared ? 0 : maxNodes],
      )) as number[];
      return reply[0] === 1 ? 'added' : reply[0] === 2 ? 'full' : 'exists';
    },
    async update(spec) {
      const reply = (await updateNodeScript.run(
        redis,
        [RedisKeys.nodes, RedisKeys.nodesRevision],
        [spec.ip, nodeSpecJson(spec), RedisChannels.nodeChanges],
      )) as number[];
      return reply[0] === 1 ? 'updated' : reply[0] === 2 ? 'unchanged' : 'unknown';
    },
    async remove(ip) {
      const reply = (await removeNodeScript.run(
        redis,
        [
          RedisKeys.nodes,
          RedisKeys.nodesRevision,
          RedisKeys.healthStatus(ip),
          RedisKeys.healthDetail(ip),
        ],
        [ip, RedisChannels.nodeChanges],
      )) as number[];
      return reply[0] === 1 ? 'removed' : 'unknown';
    },
  };
}
