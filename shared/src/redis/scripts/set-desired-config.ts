import { LuaScript } from '../lua-script.js';

/**
 * Records the render every node should run, fenced: only the lease holder's exact term
 * may write, and never a revision older than the one recorded.
 * KEYS: leader key, desired key. ARGV: "<replica id>|<fence>", revision, desired JSON.
 * Returns 1 written, 0 not the lease holder (fenced out), -1 older than the recorded revision.
 */
export const setDesiredConfigScript = LuaScript(
  'set-desired-config',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local old = redis.call('GET', KEYS[2])
if old then
  local recorded = tonumber(cjson.decode(old).revision)
  if recorded and recorded > tonumber(ARGV[2]) then return -1 end
end
redis.call('SET', KEYS[2], ARGV[3])
return 1
`,
);
