import { LuaScript } from '../lua-script.js';

/**
 * Replaces the spec of a node that exists, bumps the inventory revision and publishes
 * UPDATED, atomically. The same spec again changes nothing.
 * KEYS: nodes hash, nodes revision counter. ARGV: ip, spec JSON, node changes channel.
 * Returns {1, revision} when updated, {2, revision} when unchanged, {0} when unknown.
 */
export const updateNodeScript = LuaScript(
  'update-node',
  `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if not existing then return {0} end
if existing == ARGV[2] then return {2, tonumber(redis.call('GET', KEYS[2]) or '0')} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local revision = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[3], cjson.encode({type = 'UPDATED', ip = ARGV[1], revision = revision}))
return {1, revision}
`,
);
