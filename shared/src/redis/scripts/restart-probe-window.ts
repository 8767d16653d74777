import { LuaScript } from '../lua-script.js';

/**
 * Restarts the coalescing window when its round actually sends its probes (not when
 * it was decided), so that the next round's probes reach a node at least one window
 * after this round's, whatever the delay between deciding and probing.
 * KEYS: probe window key. ARGV: the round's id, coalescing window ms.
 * Returns 1 when restarted, 0 when the window is no longer this round's.
 */
export const restartProbeWindowScript = LuaScript(
  'restart-probe-window',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`,
);
