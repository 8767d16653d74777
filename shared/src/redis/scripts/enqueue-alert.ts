import { LuaScript } from '../lua-script.js';

/**
 * Records one alert transition and appends it to the outbox, atomically. A condition
 * (key) is firing while the firing-conditions hash holds it: firing it again, or
 * resolving one that is not firing, changes nothing and appends nothing. Each sink's
 * consumer group is created (at the stream's end, just before the append) when missing,
 * so every entry appended from now on reaches every configured sink.
 * The stream is capped at exactly `maxlen` entries; when the entries the cap trims are
 * still undelivered to some sink (not read yet, or read and not acknowledged), they are
 * counted (`dropped` in the delivery hash) and reported.
 * KEYS: outbox stream, firing-conditions hash, delivery hash.
 * ARGV: condition key, "firing" | "resolved", maxlen, payload JSON, sink group names….
 * Returns { entry id or "", undelivered entries trimmed }.
 */
export const enqueueAlertScript = LuaScript(
  'enqueue-alert',
  `
local stream, firing, delivery = KEYS[1], KEYS[2], KEYS[3]
local key, state, maxlen, payload = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local current = redis.call('HGET', firing, key)
if state == 'firing' then
  if current then return {'', 0} end
  redis.call('HSET', firing, key, payload)
else
  if not current then return {'', 0} end
  redis.call('HDEL', firing, key)
end
for i = 5, #ARGV do
  redis.pcall('XGROUP', 'CREATE', stream, ARGV[i], '$', 'MKSTREAM')
end

local function after(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am > bm or (am == bm and as > bs)
end

local dropped = 0
local length = redis.call('XLEN', stream)
if length >= maxlen and #ARGV >= 5 then
  local trimmed = redis.call('XRANGE', stream, '-', '+', 'COUNT', length - maxlen + 1)
  local lastRead = {}
  local groups = redis.call('XINFO', 'GROUPS', stream)
  for _, group in ipairs(groups) do
    local fields = {}
    for j = 1, #group, 2 do fields[group[j]] = group[j + 1] end
    lastRead[fields['name']] = fields['last-delivered-id']
  end
  for _, entry in ipairs(trimmed) do
    local id = entry[1]
    for i = 5, #ARGV do
      local read = lastRead[ARGV[i]]
      if not read or after(id, read) or #redis.call('XPENDING', stream, ARGV[i], id, id, 1) > 0 then
        dropped = dropped + 1
        break
      end
    end
  end
  if dropped > 0 then redis.call('HINCRBY', delivery, 'dropped', dropped) end
end
local id = redis.call('XADD', stream, 'MAXLEN', maxlen, '*', 'key', key, 'state', state, 'payload', payload)
return {id, dropped}
`,
);
