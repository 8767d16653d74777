import { LuaScript } from '../lua-script.js';

/**
 * Decides what a suspect report causes, atomically across replicas: RATE_LIMITED (3)
 * when its reporter sent more than `limit` reports in the current rate window;
 * otherwise STARTED (1) when no probe round of all nodes began within the coalescing
 * window (the caller must start one), else JOINED (2).
 * KEYS: reporter rate counter, probe window key.
 * ARGV: limit, rate window ms, coalescing window ms, replica id.
 */
export const admitSuspectReportScript = LuaScript(
  'admit-suspect-report',
  `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
if count > tonumber(ARGV[1]) then return 3 end
if redis.call('SET', KEYS[2], 'suspect ' .. ARGV[4], 'NX', 'PX', tonumber(ARGV[3])) then return 1 end
return 2
`,
);
