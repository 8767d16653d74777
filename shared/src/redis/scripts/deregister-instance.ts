import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';
import { storeEpochLua } from './store-epoch-lua.js';

/**
 * Removes an instance and its lease, bumps the revision and publishes the change, when
 * the caller owns it (or may act on any instance, or it has no owner).
 * KEYS: instances hash, leases zset, revision counter, store epoch, id index, the group's
 * id index.
 * ARGV: id, changes channel, epoch seed, prefix of the per-owner id indexes, caller (token
 * name), caller may act on any instance (1 = admin, 0). Without the last three (an older
 * caller) nobody's ownership is checked.
 * Returns the new revision, -1 when the instance did not exist, or -2 (nothing written)
 * when another token owns it.
 */
export const deregisterInstanceScript = LuaScript(
  'deregister-instance',
  `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
local owner = ''
if existing then
  local ok, decoded = pcall(cjson.decode, existing)
  if ok and type(decoded) == 'table' and type(decoded.owner) == 'string' then owner = decoded.owner end
  if ARGV[5] and owner ~= '' and owner ~= ARGV[5] and ARGV[6] ~= '1' then return -2 end
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZREM', KEYS[6], ARGV[1])
if not existing then return -1 end
if ARGV[4] and owner ~= '' then redis.call('ZREM', ARGV[4] .. owner, ARGV[1]) end
redis.call('HDEL', KEYS[1], ARGV[1])
${SERVER_TIME_LUA}${storeEpochLua('KEYS[4]', 'ARGV[3]')}
local revision = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[2], '{"epoch":' .. cjson.encode(epoch) .. ',"revision":' .. revision .. ',"type":"DEREGISTERED","id":' .. cjson.encode(ARGV[1]) .. '}')
return revision
`,
);
