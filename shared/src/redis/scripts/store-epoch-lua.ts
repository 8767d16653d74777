import { LuaScript } from '../lua-script.js';
import { SERVER_TIME_LUA } from './server-time.js';

/**
 * Lua: `epoch` = the store epoch in `epochKey`, created when absent as
 * "<Redis ms>-<seed>" (the seed, 16 hex digits, comes from the caller: see
 * `epochSeed()`). Needs `now` (SERVER_TIME_LUA) before it. Every script that bumps the
 * registry revision runs it first, so a dataset that lost its data gets a new epoch
 * with its first write, atomically with that write.
 */
export function storeEpochLua(epochKey: string, seed: string): string {
  return `
local epoch = redis.call('GET', ${epochKey})
if not epoch then
  epoch = string.format('%.0f', now) .. '-' .. ${seed}
  redis.call('SET', ${epochKey}, epoch)
end
`;
}

/**
 * Lua: `epoch_order(a, b)`: -1 when epoch `a` is older than `b`, 0 the same, 1 newer.
 * Ordered by the creation ms before the "-", then as text; '' (no epoch) before all.
 * The same order as `compareEpochs` in TypeScript and `epoch_order` in the node's apply script.
 */
export const EPOCH_ORDER_LUA = `
local function epoch_ms(e)
  return tonumber(string.match(e or '', '^(%d+)%-')) or -1
end
local function epoch_order(a, b)
  a = a or ''
  b = b or ''
  if a == b then return 0 end
  local am, bm = epoch_ms(a), epoch_ms(b)
  if am ~= bm then
    if am < bm then return -1 end
    return 1
  end
  if a < b then return -1 end
  return 1
end
`;

/**
 * Returns the store epoch, creating it when absent (a reader that found none, e.g. an
 * empty dataset or one written before epochs existed).
 * KEYS: epoch key. ARGV: seed (16 hex digits).
 */
export const ensureStoreEpochScript = LuaScript(
  'ensure-store-epoch',
  `${SERVER_TIME_LUA}${storeEpochLua('KEYS[1]', 'ARGV[1]')}
return epoch
`,
);
