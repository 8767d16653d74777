import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';

/**
 * Claims the next periodic probe round for the caller, so that of any number of
 * replicas exactly one runs each round. Rounds are scheduled on a grid of the Redis
 * clock (no drift, whatever each replica's clock says); after a gap (every replica
 * down) the grid restarts at now. The claim key expires after three intervals, so a
 * dead replica holds nothing: another one claims the next round when it falls due.
 * A round of all nodes started less than a coalescing window ago (by a suspect
 * report) counts as this round's probes.
 *
 * KEYS: poll claim key, probe window key.
 * ARGV: interval ms, replica id, coalescing window ms.
 * Returns {0, ms until the next round is due} when not due (or claimed by another),
 * {1, scheduled ms} when claimed and the caller must probe, {2, scheduled ms} when
 * claimed but a round of all nodes has just run (nothing to probe).
 */
export const claimPollRoundScript = LuaScript(
  'claim-poll-round',
  `${SERVER_TIME_LUA}
local interval = tonumber(ARGV[1])
local scheduled = now
local value = redis.call('GET', KEYS[1])
if value then
  local last = tonumber(string.match(value, '^(%d+)'))
  if last then
    local due = last + interval
    if now < due then return {0, due - now} end
    if now - due < interval then scheduled = due end
  end
end
redis.call('SET', KEYS[1], scheduled .. ' ' .. ARGV[2], 'PX', interval * 3)
if redis.call('SET', KEYS[2], 'poll ' .. ARGV[2], 'NX', 'PX', tonumber(ARGV[3])) then return {1, scheduled} end
return {2, scheduled}
`,
);
