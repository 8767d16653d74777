import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';

/**
 * Evicts instances whose lease ran out, unless that would remove too large a share
 * of all instances at once (self-preservation: a Redis or network pause, not real
 * deaths). Atomic, so replicas running it at the same moment never evict twice.
 * KEYS: instances hash, leases zset, revision counter, self-preservation state.
 * ARGV: changes channel, max share (0..1), guard minimum, batch size, state TTL ms.
 * Returns {preserving (0|1), expired count, total, evicted id, revision, id, revision, ...}.
 */
export const evictExpiredInstancesScript = LuaScript(
  'evict-expired-instances',
  `${SERVER_TIME_LUA}
local maxShare = tonumber(ARGV[2])
local guardMinimum = tonumber(ARGV[3])
local expiredCount = redis.call('ZCOUNT', KEYS[2], '-inf', now)
local total = redis.call('HLEN', KEYS[1])
if expiredCount == 0 then
  redis.call('DEL', KEYS[4])
  return {0, 0, total}
end
if expiredCount >= guardMinimum and expiredCount > maxShare * total then
  redis.call('SET', KEYS[4], '{"expiredCount":' .. expiredCount .. ',"totalCount":' .. total
    .. ',"decideTime":' .. string.format('%.0f', now) .. '}', 'PX', ARGV[5])
  return {1, expiredCount, total}
end
redis.call('DEL', KEYS[4])
local result = {0, expiredCount, total}
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[2], id)
  if redis.call('HDEL', KEYS[1], id) == 1 then
    local revision = redis.call('INCR', KEYS[3])
    redis.call('PUBLISH', ARGV[1], '{"revision":' .. revision .. ',"type":"EXPIRED","id":' .. cjson.encode(id) .. '}')
    table.insert(result, id)
    table.insert(result, revision)
  end
end
return result
`,
);
