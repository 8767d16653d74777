import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';
import { storeEpochLua } from './store-epoch-lua.js';

/**
 * Evicts instances whose lease ran out, unless that would remove too large a share
 * of all instances within the self-preservation window (a Redis or network pause
 * lets leases run out over a few seconds, not all in one run: so evictions already
 * made in the window count too). Atomic, so replicas running it at the same moment
 * never evict twice. After a Redis outage or a master switch (ARGV start grace = 1,
 * or a grace already recorded), an instance is evicted only once one of its lease
 * durations has passed since then: its heartbeats may have failed during the outage,
 * or have been lost with the old master.
 * KEYS: instances hash, leases zset, revision counter, self-preservation state,
 * recent evictions zset, store epoch, eviction grace, id index.
 * ARGV: changes channel, max share (0..1), guard minimum, batch size, state TTL ms,
 * window ms, epoch seed, start grace (0|1), grace TTL ms (the longest lease), prefix of
 * the per-group id indexes (the group is the id up to its first '/'), prefix of the
 * per-owner id indexes (the owner is the stored instance's; absent: no owner indexes).
 * Returns {preserving (0|1), expired count, total, recently evicted, id, revision, id, revision, ...}.
 */
export const evictExpiredInstancesScript = LuaScript(
  'evict-expired-instances',
  `${SERVER_TIME_LUA}
local maxShare = tonumber(ARGV[2])
local guardMinimum = tonumber(ARGV[3])
local window = tonumber(ARGV[6])
if ARGV[8] == '1' then
  redis.call('SET', KEYS[7], string.format('%.0f', now), 'PX', ARGV[9])
end
local graceSince = tonumber(redis.call('GET', KEYS[7]) or '')
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - window)
local recent = redis.call('ZCARD', KEYS[5])
local expiredCount = redis.call('ZCOUNT', KEYS[2], '-inf', now)
local total = redis.call('HLEN', KEYS[1])
local ids = {}
if expiredCount > 0 then
  ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
end
if graceSince and expiredCount > 0 then
  local due = {}
  for _, id in ipairs(ids) do
    local stored = redis.call('HGET', KEYS[1], id)
    local leaseMs = 0
    if stored then
      local ok, decoded = pcall(cjson.decode, stored)
      if ok and type(decoded) == 'table' then leaseMs = tonumber(decoded.leaseMs) or 0 end
    end
    if now >= graceSince + leaseMs then table.insert(due, id) end
  end
  ids = due
  expiredCount = #due
end
if expiredCount == 0 then
  redis.call('DEL', KEYS[4])
  return {0, 0, total, recent}
end
local losing = expiredCount + recent
if losing >= guardMinimum and losing > maxShare * (total + recent) then
  redis.call('SET', KEYS[4], '{"expiredCount":' .. expiredCount .. ',"recentlyEvicted":' .. recent
    .. ',"totalCount":' .. total .. ',"decideTime":' .. string.format('%.0f', now) .. '}', 'PX', ARGV[5])
  return {1, expiredCount, total, recent}
end
redis.call('DEL', KEYS[4])
${storeEpochLua('KEYS[6]', 'ARGV[7]')}
local result = {0, expiredCount, total, recent}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[8], id)
  redis.call('ZREM', ARGV[10] .. string.match(id, '^[^/]*'), id)
  local stored = redis.call('HGET', KEYS[1], id)
  if stored and ARGV[11] then
    local ok, decoded = pcall(cjson.decode, stored)
    if ok and type(decoded) == 'table' and type(decoded.owner) == 'string' and decoded.owner ~= '' then
      redis.call('ZREM', ARGV[11] .. decoded.owner, id)
    end
  end
  if redis.call('HDEL', KEYS[1], id) == 1 then
    local revision = redis.call('INCR', KEYS[3])
    redis.call('ZADD', KEYS[5], now, id .. '@' .. revision)
    redis.call('PUBLISH', ARGV[1], '{"epoch":' .. cjson.encode(epoch) .. ',"revision":' .. revision .. ',"type":"EXPIRED","id":' .. cjson.encode(id) .. '}')
    table.insert(result, id)
    table.insert(result, revision)
  end
end
redis.call('PEXPIRE', KEYS[5], window)
return result
`,
);
