import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';

/**
 * Claims the next periodic probe round for the caller, so that of any number of
 * replicas exactly one runs each round. Rounds are scheduled on a grid of the Redis
 * clock (no drift, whatever each replica's clock says); after a gap (every replica
 * down) the grid restarts at now. The claim key expires after three intervals, so a
 * dead replica holds nothing: another one claims the next round when it falls due.
 * A suspect-triggered round of all nodes started less than a coalescing window ago
 * counts as this round's probes (the poll only reads the window, never opens one, so
 * it never delays a suspect report's probe).
 *
 * KEYS: poll claim key, probe window key.
 * ARGV: interval ms, replica id.
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
if redis.call('EXISTS', KEYS[2]) == 1 then return {2, scheduled} end
return {1, scheduled}
`,
);
