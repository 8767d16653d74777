import { RedisKeys } from '../keys.js';
import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';
import { storeEpochLua } from './store-epoch-lua.js';

/**
 * Creates or updates an instance and (re)grants its lease, atomically.
 * KEYS: instances hash, leases zset, revision counter, store epoch, id index, the group's
 * id index.
 * ARGV: id, canonical spec JSON, spec fingerprint, lease ms, changes channel, epoch seed.
 * Returns {outcome, stored JSON, revision, lease expiry, epoch}: outcome 0 = unchanged
 * (only the lease renewed, no revision), 1 = registered, 2 = updated. The epoch is
 * created first when the dataset has none (its first write after a data loss).
 */
export const registerInstanceScript = LuaScript(
  'register-instance',
  `${SERVER_TIME_LUA}${storeEpochLua('KEYS[4]', 'ARGV[6]')}
local id = ARGV[1]
local lease = tonumber(ARGV[4])
local expireAt = now + lease
redis.call('ZADD', KEYS[2], expireAt, id)
redis.call('ZADD', KEYS[5], 0, id)
redis.call('ZADD', KEYS[6], 0, id)
local existing = redis.call('HGET', KEYS[1], id)
local registerTime = now
local outcome = 1
local changeType = 'REGISTERED'
if existing then
  local old = cjson.decode(existing)
  if old.fingerprint == ARGV[3] and tonumber(old.leaseMs) == lease then
    return {0, existing, tonumber(redis.call('GET', KEYS[3]) or '0'), expireAt, epoch}
  end
  registerTime = tonumber(old.registerTime)
  outcome = 2
  changeType = 'UPDATED'
end
local revision = redis.call('INCR', KEYS[3])
local value = '{"id":' .. cjson.encode(id)
  .. ',"revision":' .. revision
  .. ',"registerTime":' .. string.format('%.0f', registerTime)
  .. ',"leaseMs":' .. string.format('%.0f', lease)
  .. ',"fingerprint":' .. cjson.encode(ARGV[3])
  .. ',"spec":' .. ARGV[2] .. '}'
redis.call('HSET', KEYS[1], id, value)
redis.call('PUBLISH', ARGV[5], '{"epoch":' .. cjson.encode(epoch) .. ',"revision":' .. revision .. ',"type":"' .. changeType .. '","id":' .. cjson.encode(id) .. ',"instance":' .. value .. '}')
return {outcome, value, revision, expireAt, epoch}
`,
);

/** The KEYS of `registerInstanceScript` for an instance of `group`, in order. */
export function registerInstanceKeys(group: string): string[] {
  return [
    RedisKeys.instances,
    RedisKeys.instanceLeases,
    RedisKeys.instancesRevision,
    RedisKeys.instancesEpoch,
    RedisKeys.instanceIndex,
    RedisKeys.instanceGroupIndex(group),
  ];
}
