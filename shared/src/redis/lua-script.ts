import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { writable } from './sentinel/write-fence-of.js';

/**
 * A Lua script sent to Redis once: later calls use EVALSHA, and EVAL only when
 * the server answers NOSCRIPT (after a restart or SCRIPT FLUSH). Every write of the
 * control plane is a script: while Sentinel replaces the master, a run waits (up to
 * the command timeout) for the new master instead of writing to the old one.
 */
export type LuaScript = {
  readonly name: string;
  readonly sha1: string;
  run(
    redis: Redis,
    keys: readonly string[],
    /** Buffers go to Redis as they are (a large argument is never made a string). */
    args: ReadonlyArray<string | number | Buffer>,
  ): Promise<unknown>;
};

export function LuaScript(name: string, source: string): LuaScript {
  const sha1 = createHash('sha1').update(source).digest('hex');
  return {
    name,
    sha1,
    async run(redis, keys, args) {
      await writable(redis, redis.options.commandTimeout ?? 2_000);
      try {
        return await redis.evalsha(sha1, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
