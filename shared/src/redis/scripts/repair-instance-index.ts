import { LuaScript } from '../lua-script.js';

/**
 * Brings one batch of ids in line with the instances hash: an id the hash holds is put in
 * the id index and its group's index, an id it does not hold is taken out of both. The
 * registry runs it over the hash (HSCAN) and the index when their sizes differ (data
 * written by an older version or by hand).
 * KEYS: instances hash, id index. ARGV: prefix of the per-group indexes, id, id, ...
 * Returns {added, removed}.
 */
export const repairInstanceIndexScript = LuaScript(
  'repair-instance-index',
  `
local added = 0
local removed = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local groupIndex = ARGV[1] .. string.match(id, '^[^/]*')
  if redis.call('HEXISTS', KEYS[1], id) == 1 then
    added = added + redis.call('ZADD', KEYS[2], 0, id)
    redis.call('ZADD', groupIndex, 0, id)
  else
    removed = removed + redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', groupIndex, id)
  end
end
return {added, removed}
`,
);
