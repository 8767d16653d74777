import { LuaScript } from '../lua-script.js';

/**
 * The desired config's JSON, read atomically as pieces of at most ARGV[1] bytes: no reply
 * of one bulk string of megabytes (the client's reply parser keeps a pool three times the
 * largest string it ever joined).
 * KEYS: desired config key. ARGV: piece size. Returns {} when none, else the pieces in order.
 */
export const readDesiredPiecesScript = LuaScript(
  'read-desired-pieces',
  `
local value = redis.call('GET', KEYS[1])
if not value then return {} end
local size = tonumber(ARGV[1])
local pieces = {}
for start = 1, #value, size do pieces[#pieces + 1] = string.sub(value, start, start + size - 1) end
return pieces
`,
);
