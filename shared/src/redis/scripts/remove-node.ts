import { LuaScript } from '../lua-script.js';

/**
 * Removes a node with its status and detail, bumps the inventory revision and
 * publishes REMOVED, atomically.
 * KEYS: nodes hash, nodes revision counter, health status key, health detail key.
 * ARGV: ip, node changes channel.
 * Returns {1, revision} when removed, {0} when unknown (nothing written).
 */
export const removeNodeScript = LuaScript(
  'remove-node',
  `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return {0} end
redis.call('DEL', KEYS[3], KEYS[4])
local revision = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[2], cjson.encode({type = 'REMOVED', ip = ARGV[1], revision = revision}))
return {1, revision}
`,
);
