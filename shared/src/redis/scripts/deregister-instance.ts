import { LuaScript } from '../lua-script.js';

/**
 * Removes an instance and its lease, bumps the revision and publishes the change.
 * KEYS: instances hash, leases zset, revision counter, id index, the group's id index.
 * ARGV: id, changes channel.
 * Returns the new revision, or -1 when the instance did not exist.
 */
export const deregisterInstanceScript = LuaScript(
  'deregister-instance',
  `
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return -1 end
local revision = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[2], '{"revision":' .. revision .. ',"type":"DEREGISTERED","id":' .. cjson.encode(ARGV[1]) .. '}')
return revision
`,
);
