import { LuaScript } from '../lua-script.js';

/**
 * Takes a node's probe gate for one suspect-triggered probe, across replicas.
 * KEYS: the node's probe gate. ARGV: holder token, hold ms (probe timeout + window,
 * so a holder that dies frees it anyway).
 * Returns 0 when taken, else the ms until the gate frees (the caller waits, then asks again).
 */
export const acquireProbeGateScript = LuaScript(
  'acquire-probe-gate',
  `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then return 0 end
local remaining = redis.call('PTTL', KEYS[1])
if remaining < 1 then return 1 end
return remaining
`,
);
