import { LuaScript } from '../lua-script.js';

/**
 * Runs when the window that reports joined should have closed: opens the next window
 * for the trailing round, unless another suspect-triggered round already began after
 * those reports (then it covers them).
 * KEYS: probe window key, trailing key.
 * ARGV: the joined window id, the trailing round's id, coalescing window ms.
 * Returns {1} claimed (probe every node now), {0} covered by a newer round,
 * {2, ms} the joined window is still open (try again after ms).
 */
export const claimTrailingRoundScript = LuaScript(
  'claim-trailing-round',
  `
local current = redis.call('GET', KEYS[1])
if current and current == ARGV[1] then
  local remaining = redis.call('PTTL', KEYS[1])
  if remaining > 0 then return {2, remaining} end
end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
if current and current ~= ARGV[1] then return {0} end
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', tonumber(ARGV[3])) then return {1} end
return {0}
`,
);
