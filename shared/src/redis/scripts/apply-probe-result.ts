import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';

/**
 * Applies one probe result to a node's health and decides the transition, atomically,
 * so that of any number of replicas exactly one flips UP→DOWN (or back), and that one
 * publishes the change. Damping: DOWN after `fall` failures in a row (1 for a round
 * not triggered by the periodic poll: a suspect report or an admin's ProbeNow), UP
 * again after `rise` successes in a row. A node's first result decides its first
 * status (healthy → UP, failed → DOWN once the threshold is reached).
 * A result older than the last one applied (a slow probe of an earlier round) and a
 * result for a node no longer in the inventory are dropped. An applied result clears the
 * node's unconfirmed mark (see mark-health-unconfirmed); watchers hear of that too.
 *
 * KEYS: nodes hash, status key, detail key, health revision counter.
 * ARGV: ip, healthy (1/0), probe time (Redis ms at round start), latency ms, outcome
 *       text, rise, fall, trigger (poll|suspect|manual|added), reporter ('' = none),
 *       prober (replica id), health changes channel, VRRP state ('' = none reported),
 *       VRRP instance, VRRP state change time (epoch ms, node clock).
 * A healthy result also records the VRRP state the node reported (or clears it when it
 * reported none); a change of it alone is published like a status change, with the same
 * status, so watchers see which node holds the VIP. A failed probe keeps the last one.
 * Returns {changed (1/0), status ('' = none yet), previous, failures, successes,
 * revision (0 unless changed)}, or {-1} (unknown node) / {-2} (stale result).
 */
export const applyProbeResultScript = LuaScript(
  'apply-probe-result',
  `${SERVER_TIME_LUA}
local ip = ARGV[1]
local healthy = ARGV[2] == '1'
local probeTime = tonumber(ARGV[3])
if redis.call('HEXISTS', KEYS[1], ip) == 0 then return {-1} end
local last = tonumber(redis.call('HGET', KEYS[3], 'last_probe_time') or '0')
if probeTime < last then return {-2} end

local previous = redis.call('GET', KEYS[2]) or ''
local failures = tonumber(redis.call('HGET', KEYS[3], 'consecutive_failures') or '0')
local successes = tonumber(redis.call('HGET', KEYS[3], 'consecutive_successes') or '0')
local status = previous
if healthy then
  successes = successes + 1
  failures = 0
  if previous == '' or (previous == 'DOWN' and successes >= tonumber(ARGV[6])) then status = 'UP' end
else
  failures = failures + 1
  successes = 0
  local threshold = tonumber(ARGV[7])
  if ARGV[8] ~= 'poll' then threshold = 1 end
  if previous ~= 'DOWN' and failures >= threshold then status = 'DOWN' end
end

redis.call('HSET', KEYS[3],
  'last_probe_time', probeTime,
  'last_probe_latency_ms', ARGV[4],
  'consecutive_failures', failures,
  'consecutive_successes', successes,
  'last_trigger', ARGV[8],
  'prober', ARGV[10])
if not healthy then redis.call('HSET', KEYS[3], 'reason', ARGV[5]) end
if ARGV[9] ~= '' then redis.call('HSET', KEYS[3], 'last_reporter', ARGV[9]) end
local wasUnconfirmed = redis.call('HDEL', KEYS[3], 'unconfirmed_reason', 'unconfirmed_time') > 0
local vrrpChanged = false
if healthy then
  local vrrp = ARGV[12] or ''
  local stored = redis.call('HMGET', KEYS[3], 'vrrp_state', 'vrrp_instance', 'vrrp_change_time')
  if vrrp == '' then
    vrrpChanged = redis.call('HDEL', KEYS[3], 'vrrp_state', 'vrrp_instance', 'vrrp_change_time') > 0
  elseif stored[1] ~= vrrp or stored[2] ~= ARGV[13] or stored[3] ~= ARGV[14] then
    redis.call('HSET', KEYS[3], 'vrrp_state', vrrp, 'vrrp_instance', ARGV[13], 'vrrp_change_time', ARGV[14])
    vrrpChanged = true
  end
end
if status == previous then
  if (wasUnconfirmed or vrrpChanged) and status ~= '' then
    -- The unconfirmed mark is gone, or the node's VRRP state changed: tell watchers (same status as before).
    local why = 'confirmed by a probe result'
    if not wasUnconfirmed then why = 'VRRP state: ' .. (ARGV[12] or '') end
    local revision = redis.call('INCR', KEYS[4])
    redis.call('PUBLISH', ARGV[11], cjson.encode({ip = ip, status = status, previous = status, time = now, reason = why, revision = revision}))
  end
  return {0, status, previous, failures, successes, 0}
end

local reason = ARGV[5]
if healthy then
  if previous == '' then reason = 'first probe: ' .. ARGV[5] else reason = 'recovered: ' .. ARGV[5] end
end
redis.call('SET', KEYS[2], status)
redis.call('HSET', KEYS[3], 'last_change_time', now, 'reason', reason)
local revision = redis.call('INCR', KEYS[4])
redis.call('PUBLISH', ARGV[11], cjson.encode({ip = ip, status = status, previous = previous, time = now, reason = reason, revision = revision}))
return {1, status, previous, failures, successes, revision}
`,
);
