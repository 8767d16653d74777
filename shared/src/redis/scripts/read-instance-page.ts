import { LuaScript } from '../lua-script.js';

/**
 * Reads one page of instances in id order after a position, with their leases and the
 * revision, atomically: O(log n + page), whatever the number of instances.
 * KEYS: id index (all instances or one group's), instances hash, leases zset, revision counter.
 * ARGV: the id after which to start ('' = from the first), page size.
 * Returns {revision, id, stored JSON or nil, lease expiry or nil, id, ...}: nil for an id the
 * index holds but the hash no longer does (the caller skips it).
 */
export const readInstancePageScript = LuaScript(
  'read-instance-page',
  `
local from = '-'
if ARGV[1] ~= '' then from = '(' .. ARGV[1] end
local ids = redis.call('ZRANGEBYLEX', KEYS[1], from, '+', 'LIMIT', 0, tonumber(ARGV[2]))
local result = {redis.call('GET', KEYS[4]) or '0'}
for _, id in ipairs(ids) do
  table.insert(result, id)
  table.insert(result, redis.call('HGET', KEYS[2], id))
  table.insert(result, redis.call('ZSCORE', KEYS[3], id))
end
return result
`,
);
