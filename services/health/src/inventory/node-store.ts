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
  add(spec: NodeSpecData): Promise<'added' | 'exists'>;
  update(spec: NodeSpecData): Promise<'updated' | 'unchanged' | 'unknown'>;
  remove(ip: string): Promise<'removed' | 'unknown'>;
};

export function NodeStore(redis: Redis): NodeStore {
  return {
    async add(spec) {
      const reply = (await addNodeScript.run(
        redis,
        [RedisKeys.nodes, RedisKeys.nodesRevision],
        [spec.ip, nodeSpecJson(spec), RedisChannels.nodeChanges],
      )) as number[];
      return reply[0] === 1 ? 'added' : 'exists';
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
