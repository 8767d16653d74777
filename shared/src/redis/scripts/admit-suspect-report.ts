import { LuaScript } from '../lua-script.js';

/**
 * Decides what a suspect report causes, atomically across replicas (a debounce with a
 * leading and a trailing edge, at most one round per coalescing window):
 * - RATE_LIMITED when its reporter sent more than `limit` reports in the rate window;
 * - STARTED when no suspect-triggered round began within the window: the window opens
 *   with the caller's round id and the caller probes every node now;
 * - JOINED otherwise. The round of the open window may have probed before the fault
 *   the report saw, so the window owes one trailing round when it closes: the first
 *   joiner of a window gets that duty (and the window's id and remaining ms).
 * KEYS: reporter rate counter, probe window key, trailing key.
 * ARGV: limit, rate window ms, coalescing window ms, round id.
 * Returns {3, ms left in the rate window} rate limited, {1} started, {2} joined, {2, window id, ms until it closes}
 * joined with the trailing duty.
 */
export const admitSuspectReportScript = LuaScript(
  'admit-suspect-report',
  `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
if count > tonumber(ARGV[1]) then return {3, redis.call('PTTL', KEYS[1])} end
local window = tonumber(ARGV[3])
if redis.call('SET', KEYS[2], ARGV[4], 'NX', 'PX', window) then return {1} end
local current = redis.call('GET', KEYS[2])
local remaining = redis.call('PTTL', KEYS[2])
if not current or remaining < 0 then remaining = 0 end
if redis.call('SET', KEYS[3], current or '', 'NX', 'PX', remaining + 2 * window) then return {2, current or '', remaining} end
return {2}
`,
);
