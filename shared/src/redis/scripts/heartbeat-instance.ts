import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';

/**
 * Renews the lease of a live instance, for its owner. Never creates: an unknown instance
 * answers -1 and an expired one -2 (the client must Register again), except within the
 * eviction grace after a Redis outage or master switch: a lease that ran out during
 * the outage (or whose renewals were lost with the old master) is renewed, since the
 * instance was never evicted. One owned by another token answers -3 (renewing nothing),
 * unless the caller may act on any instance.
 * KEYS: instances hash, leases zset, eviction grace.
 * ARGV: id, caller (token name), caller may act on any instance (1 = admin, 0); without
 * the last two (an older caller) nobody's ownership is checked.
 * Returns {new expiry, lease ms} or {-1} / {-2} / {-3}.
 */
export const heartbeatInstanceScript = LuaScript(
  'heartbeat-instance',
  `${SERVER_TIME_LUA}
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if not existing then return {-1} end
local stored = cjson.decode(existing)
if ARGV[2] and type(stored.owner) == 'string' and stored.owner ~= '' and stored.owner ~= ARGV[2] and ARGV[3] ~= '1' then
  return {-3}
end
local expireAt = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]))
local lease = tonumber(stored.leaseMs)
if not expireAt then return {-2} end
if expireAt <= now then
  local graceSince = tonumber(redis.call('GET', KEYS[3]) or '')
  if not graceSince or now >= graceSince + lease then return {-2} end
end
local renewed = now + lease
redis.call('ZADD', KEYS[2], 'XX', renewed, ARGV[1])
return {renewed, lease}
`,
);
