import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';
import { storeEpochLua } from './store-epoch-lua.js';

/**
 * Removes an instance and its lease, bumps the revision and publishes the change.
 * KEYS: instances hash, leases zset, revision counter, store epoch, id index, the group's
 * id index.
 * ARGV: id, changes channel, epoch seed.
 * Returns the new revision, or -1 when the instance did not exist.
 */
export const deregisterInstanceScript = LuaScript(
  'deregister-instance',
  `
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZREM', KEYS[6], ARGV[1])
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return -1 end
${SERVER_TIME_LUA}${storeEpochLua('KEYS[4]', 'ARGV[3]')}
local revision = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[2], '{"epoch":' .. cjson.encode(epoch) .. ',"revision":' .. revision .. ',"type":"DEREGISTERED","id":' .. cjson.encode(ARGV[1]) .. '}')
return revision
`,
);
