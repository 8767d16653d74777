import { LuaScript } from '../lua-script.js';

/**
 * Adds a node to the inventory unless its ip is there already, bumps the inventory
 * revision and publishes ADDED, atomically.
 * KEYS: nodes hash, nodes revision counter. ARGV: ip, spec JSON, node changes channel.
 * Returns {1, revision} when added, {0} when the ip exists (nothing written).
 */
export const addNodeScript = LuaScript(
  'add-node',
  `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return {0} end
local revision = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[3], cjson.encode({type = 'ADDED', ip = ARGV[1], revision = revision}))
return {1, revision}
`,
);
