import { LuaScript } from '../lua-script.js';

/**
 * Adds a node to the inventory unless its ip is there already or the inventory holds
 * `max nodes` already, bumps the inventory revision and publishes ADDED, atomically.
 * KEYS: nodes hash, nodes revision counter. ARGV: ip, spec JSON, node changes channel,
 * max nodes (0: no cap, for the nodes the operator declares in the configuration).
 * Returns {1, revision} when added, {0} when the ip exists, {2, count} when the
 * inventory is full (nothing written in either case).
 */
export const addNodeScript = LuaScript(
  'add-node',
  `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {0} end
local max = tonumber(ARGV[4])
if max > 0 then
  local count = redis.call('HLEN', KEYS[1])
  if count >= max then return {2, count} end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local revision = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[3], cjson.encode({type = 'ADDED', ip = ARGV[1], revision = revision}))
return {1, revision}
`,
);
