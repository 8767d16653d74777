import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';

/**
 * Renews the lease of a live instance. Never creates: an unknown instance answers
 * -1 and an expired one -2 (the client must Register again).
 * KEYS: instances hash, leases zset. ARGV: id.
 * Returns {new expiry, lease ms} or {-1} / {-2}.
 */
export const heartbeatInstanceScript = LuaScript(
  'heartbeat-instance',
  `${SERVER_TIME_LUA}
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if not existing then return {-1} end
local expireAt = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]))
if not expireAt or expireAt <= now then return {-2} end
local lease = tonumber(cjson.decode(existing).leaseMs)
local renewed = now + lease
redis.call('ZADD', KEYS[2], 'XX', renewed, ARGV[1])
return {renewed, lease}
`,
);
