import { LuaScript } from '../lua-script.js';

/**
 * Ends a node's suspect-triggered probe: the gate stays closed for one coalescing
 * window counted from now (the probe's end), so the node's next such probe reaches it
 * at least a window after this one did.
 * KEYS: the node's probe gate. ARGV: holder token, window ms.
 * Returns 1 when released, 0 when the gate was no longer ours.
 */
export const releaseProbeGateScript = LuaScript(
  'release-probe-gate',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`,
);
