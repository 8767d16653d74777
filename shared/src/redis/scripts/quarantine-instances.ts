import { LuaScript } from '../lua-script.js';

/**
 * Puts instances in quarantine (or updates their entry), fenced and bounded: only the
 * push lease holder's exact term may write, and the hash never holds more than `limit`
 * entries (a batch that would pass it is refused whole). Each instance new to the
 * quarantine is announced on the changes channel.
 * KEYS: leader key, quarantine hash.
 * ARGV: "<replica id>|<fence>", limit, changes channel, then id, entry JSON pairs.
 * Returns 0 not the lease holder, -1 over the limit (nothing written), else
 * {1, newly quarantined ids...}.
 */
export const quarantineInstancesScript = LuaScript(
  'quarantine-instances',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local limit = tonumber(ARGV[2])
local added = {}
for i = 4, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 0 then added[#added + 1] = ARGV[i] end
end
if redis.call('HLEN', KEYS[2]) + #added > limit then return -1 end
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
for _, id in ipairs(added) do
  redis.call('PUBLISH', ARGV[3], cjson.encode({type = 'QUARANTINED', id = id}))
end
local reply = {1}
for _, id in ipairs(added) do reply[#reply + 1] = id end
return reply
`,
);
