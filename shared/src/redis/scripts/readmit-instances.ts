import { LuaScript } from '../lua-script.js';

/**
 * Takes instances out of quarantine, fenced: only the push lease holder's exact term may
 * write. Each one removed is announced on the changes channel.
 * KEYS: leader key, quarantine hash. ARGV: "<replica id>|<fence>", changes channel, ids...
 * Returns 0 not the lease holder, else {1, removed ids...}.
 */
export const readmitInstancesScript = LuaScript(
  'readmit-instances',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local reply = {1}
for i = 3, #ARGV do
  if redis.call('HDEL', KEYS[2], ARGV[i]) == 1 then
    redis.call('PUBLISH', ARGV[2], cjson.encode({type = 'READMITTED', id = ARGV[i]}))
    reply[#reply + 1] = ARGV[i]
  end
end
return reply
`,
);
