import { LuaScript } from '../lua-script.js';
import { EPOCH_ORDER_LUA } from './store-epoch-lua.js';

/**
 * Records the render every node should run, fenced: only the lease holder's exact term
 * may write, and never an older (epoch, revision) than the one recorded: within one
 * store epoch the revision decides; a newer epoch (Redis lost its data) wins whatever
 * its revision, an older one never does.
 * KEYS: leader key, desired key. ARGV: "<replica id>|<fence>", revision, desired JSON, epoch.
 * Returns 1 written, 0 not the lease holder (fenced out), -1 older than the recorded one.
 */
export const setDesiredConfigScript = LuaScript(
  'set-desired-config',
  `${EPOCH_ORDER_LUA}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local old = redis.call('GET', KEYS[2])
if old then
  local recorded = cjson.decode(old)
  local order = epoch_order(ARGV[4], type(recorded.epoch) == 'string' and recorded.epoch or '')
  if order < 0 then return -1 end
  local revision = tonumber(recorded.revision)
  if order == 0 and revision and revision > tonumber(ARGV[2]) then return -1 end
end
redis.call('SET', KEYS[2], ARGV[3])
return 1
`,
);
