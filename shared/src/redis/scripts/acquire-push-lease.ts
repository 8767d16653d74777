import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';

/**
 * Takes or renews the config-push lease. KEYS: leader key, fence counter.
 * ARGV: replica id (no "|"), ttl ms. The lease value is "<replica id>|<fence>".
 * Returns the fence when this replica holds the lease (a fresh INCR when it just took
 * it, its current fence when it renewed), or minus the milliseconds the other holder's
 * lease still runs (at least -1), so a follower can try again right when it runs out.
 * A missing fence counter (a new dataset: Redis lost its data) starts at the Redis clock
 * in ms, so a term of the new dataset never repeats the value of a term of the lost one
 * (a holder renewing after the loss gets a new term, and its old term's writes stay fenced).
 */
export const acquirePushLeaseScript = LuaScript(
  'acquire-push-lease',
  `
local current = redis.call('GET', KEYS[1])
if current then
  local separator = string.find(current, '|', 1, true)
  if separator and string.sub(current, 1, separator - 1) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(string.sub(current, separator + 1))
  end
  local left = redis.call('PTTL', KEYS[1])
  if left < 1 then left = 1 end
  return -left
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  ${SERVER_TIME_LUA}
  redis.call('SET', KEYS[2], string.format('%.0f', now))
end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. fence, 'PX', ARGV[2])
return fence
`,
);
