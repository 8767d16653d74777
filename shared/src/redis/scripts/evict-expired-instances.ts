import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';

/**
 * Evicts instances whose lease ran out, unless that would remove too large a share
 * of all instances within the self-preservation window (a Redis or network pause
 * lets leases run out over a few seconds, not all in one run: so evictions already
 * made in the window count too). Atomic, so replicas running it at the same moment
 * never evict twice.
 * KEYS: instances hash, leases zset, revision counter, self-preservation state,
 * recent evictions zset, id index.
 * ARGV: changes channel, max share (0..1), guard minimum, batch size, state TTL ms,
 * window ms, prefix of the per-group id indexes (the group is the id up to its first '/').
 * Returns {preserving (0|1), expired count, total, recently evicted, id, revision, id, revision, ...}.
 */
export const evictExpiredInstancesScript = LuaScript(
  'evict-expired-instances',
  `${SERVER_TIME_LUA}
local maxShare = tonumber(ARGV[2])
local guardMinimum = tonumber(ARGV[3])
local window = tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - window)
local recent = redis.call('ZCARD', KEYS[5])
local expiredCount = redis.call('ZCOUNT', KEYS[2], '-inf', now)
local total = redis.call('HLEN', KEYS[1])
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
local result = {0, expiredCount, total, recent}
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[6], id)
  redis.call('ZREM', ARGV[7] .. string.match(id, '^[^/]*'), id)
  if redis.call('HDEL', KEYS[1], id) == 1 then
    local revision = redis.call('INCR', KEYS[3])
    redis.call('ZADD', KEYS[5], now, id .. '@' .. revision)
    redis.call('PUBLISH', ARGV[1], '{"revision":' .. revision .. ',"type":"EXPIRED","id":' .. cjson.encode(id) .. '}')
    table.insert(result, id)
    table.insert(result, revision)
  end
end
redis.call('PEXPIRE', KEYS[5], window)
return result
`,
);
