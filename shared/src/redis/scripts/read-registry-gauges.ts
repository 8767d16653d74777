import { LuaScript } from '../lua-script.js';

/**
 * The registry's scrape-time figures in one read that costs O(groups · log n), never a scan:
 * the number of instances, leases already lapsed and lapsing within a window (ZCOUNT on the
 * lease set), whether self-preservation holds evictions back, and the size of each group's
 * index. Groups are found by walking the id index (ids are "<group>/<host>/<port>", sorted):
 * one ZRANGEBYLEX per group jumps past all of that group's ids.
 * KEYS: instance index, lease set, self-preservation key.
 * ARGV: group index prefix, lapsing window ms, most groups to report.
 * Returns {total, lapsed, lapsing, preserving (0/1), truncated (0/1), group1, count1, ...}.
 */
export const readRegistryGaugesScript = LuaScript(
  'read-registry-gauges',
  `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local total = redis.call('ZCARD', KEYS[1])
local lapsed = redis.call('ZCOUNT', KEYS[2], '-inf', now)
local lapsing = redis.call('ZCOUNT', KEYS[2], '(' .. now, now + tonumber(ARGV[2]))
local preserving = redis.call('EXISTS', KEYS[3])
local limit = tonumber(ARGV[3])
local reply = {total, lapsed, lapsing, preserving, 0}
local from = '-'
local found = 0
while true do
  local ids = redis.call('ZRANGEBYLEX', KEYS[1], from, '+', 'LIMIT', 0, 1)
  if #ids == 0 then break end
  local slash = string.find(ids[1], '/', 1, true)
  if not slash then break end
  if found >= limit then
    reply[5] = 1
    break
  end
  local group = string.sub(ids[1], 1, slash - 1)
  reply[#reply + 1] = group
  reply[#reply + 1] = redis.call('ZCARD', ARGV[1] .. group)
  found = found + 1
  from = '[' .. group .. '0'
end
return reply
`,
);
