import { RedisKeys } from '../keys.js';
import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';
import { storeEpochLua } from './store-epoch-lua.js';

/**
 * Creates or updates an instance and (re)grants its lease, atomically, for its owner.
 * KEYS: instances hash, leases zset, revision counter, store epoch, id index, the group's
 * id index, the caller's owner index.
 * ARGV: id, canonical spec JSON, spec fingerprint, lease ms, changes channel, epoch seed,
 * caller (token name), caller may act on any instance (1 = admin, 0), caller's quota (0 = none).
 * Ownership: a new instance is owned by the caller; an existing one only by its owner or an
 * admin may be updated (the owner stays); one stored without an owner (by a registry of
 * before ownership) is adopted by the first caller that registers it. The quota counts
 * the caller's owner index before a new (or adopted) instance joins it.
 * Returns {outcome, stored JSON, revision, lease expiry, epoch}: outcome 0 = unchanged
 * (only the lease renewed, no revision), 1 = registered, 2 = updated; or, writing
 * nothing, {-1} when another token owns it, {-2, owned count} when the quota is reached.
 * The epoch is created first when the dataset has none (its first write after a data loss).
 */
export const registerInstanceScript = LuaScript(
  'register-instance',
  `local id = ARGV[1]
local caller = ARGV[7] or ''
local mayActOnAny = ARGV[8] == '1' or ARGV[7] == nil
local quota = tonumber(ARGV[9] or '0') or 0
local existing = redis.call('HGET', KEYS[1], id)
local owner = caller
local adopting = false
if existing then
  local old = cjson.decode(existing)
  if type(old.owner) == 'string' and old.owner ~= '' then
    owner = old.owner
    if owner ~= caller and not mayActOnAny then return {-1} end
  else
    adopting = caller ~= ''
  end
end
local joining = caller ~= '' and owner == caller and (adopting or not existing)
if joining and quota > 0 and redis.call('ZSCORE', KEYS[7], id) == false then
  local owned = redis.call('ZCARD', KEYS[7])
  if owned >= quota then return {-2, owned} end
end
${SERVER_TIME_LUA}${storeEpochLua('KEYS[4]', 'ARGV[6]')}
local lease = tonumber(ARGV[4])
local expireAt = now + lease
redis.call('ZADD', KEYS[2], expireAt, id)
redis.call('ZADD', KEYS[5], 0, id)
redis.call('ZADD', KEYS[6], 0, id)
if joining then redis.call('ZADD', KEYS[7], 0, id) end
local registerTime = now
local outcome = 1
local changeType = 'REGISTERED'
if existing then
  local old = cjson.decode(existing)
  if old.fingerprint == ARGV[3] and tonumber(old.leaseMs) == lease and not adopting then
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
if owner ~= '' then value = value .. ',"owner":' .. cjson.encode(owner) end
value = value .. ',"spec":' .. ARGV[2] .. '}'
redis.call('HSET', KEYS[1], id, value)
redis.call('PUBLISH', ARGV[5], '{"epoch":' .. cjson.encode(epoch) .. ',"revision":' .. revision .. ',"type":"' .. changeType .. '","id":' .. cjson.encode(id) .. ',"instance":' .. value .. '}')
return {outcome, value, revision, expireAt, epoch}
`,
);

/**
 * The KEYS of `registerInstanceScript` for an instance of `group` registered by the token
 * named `owner`, in order.
 */
export function registerInstanceKeys(group: string, owner: string): string[] {
  return [
    RedisKeys.instances,
    RedisKeys.instanceLeases,
    RedisKeys.instancesRevision,
    RedisKeys.instancesEpoch,
    RedisKeys.instanceIndex,
    RedisKeys.instanceGroupIndex(group),
    RedisKeys.instanceOwnerIndex(owner),
  ];
}
