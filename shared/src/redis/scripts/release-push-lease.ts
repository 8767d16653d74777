import { LuaScript } from '../lua-script.js';

/** Gives the config-push lease up if this exact term still holds it. KEYS: leader key. ARGV: "<replica id>|<fence>". */
export const releasePushLeaseScript = LuaScript(
  'release-push-lease',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`,
);
