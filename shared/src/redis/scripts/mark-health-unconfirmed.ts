import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';

/**
 * Marks a node's status unconfirmed: a health replica's probe failed it in a mass failure
 * that nobody confirmed, so the last status is kept and shown as stale with `reason` until
 * a probe result is applied again (apply-probe-result clears the mark). Watchers hear of
 * it through a health change message whose status equals its previous one.
 * KEYS: nodes hash, status key, detail key, health revision counter.
 * ARGV: ip, reason, health changes channel.
 * Returns the health revision it produced, 0 when the node has no status yet, -1 when the
 * node is not in the inventory.
 */
export const markHealthUnconfirmedScript = LuaScript(
  'mark-health-unconfirmed',
  `${SERVER_TIME_LUA}
local ip = ARGV[1]
if redis.call('HEXISTS', KEYS[1], ip) == 0 then return -1 end
redis.call('HSET', KEYS[3], 'unconfirmed_reason', ARGV[2], 'unconfirmed_time', now)
local status = redis.call('GET', KEYS[2])
if not status then return 0 end
local revision = redis.call('INCR', KEYS[4])
redis.call('PUBLISH', ARGV[3], cjson.encode({ip = ip, status = status, previous = status, time = now, reason = ARGV[2], revision = revision}))
return revision
`,
);
