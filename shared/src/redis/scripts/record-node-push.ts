import { LuaScript } from '../lua-script.js';
import { EPOCH_ORDER_LUA } from './store-epoch-lua.js';

/**
 * Records one node's push attempt, fenced: only the lease holder's exact term may
 * write, and the applied state (what the node runs) never moves to an older
 * (epoch, revision): within one store epoch the revision decides, a newer epoch wins.
 * KEYS: leader key, applied hash, last-result hash.
 * ARGV: "<replica id>|<fence>", node ip, last-result JSON, applied JSON ("" when the
 * attempt did not change what the node runs), applied revision, results channel,
 * published message, applied epoch.
 * Returns 1 recorded, 0 not the lease holder, -1 the applied state would go back
 * (nothing written).
 */
export const recordNodePushScript = LuaScript(
  'record-node-push',
  `${EPOCH_ORDER_LUA}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[4] ~= '' then
  local old = redis.call('HGET', KEYS[2], ARGV[2])
  if old then
    local recorded = cjson.decode(old)
    local order = epoch_order(ARGV[8], type(recorded.epoch) == 'string' and recorded.epoch or '')
    if order < 0 then return -1 end
    local revision = tonumber(recorded.revision)
    if order == 0 and revision and revision > tonumber(ARGV[5]) then return -1 end
  end
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('PUBLISH', ARGV[6], ARGV[7])
return 1
`,
);
