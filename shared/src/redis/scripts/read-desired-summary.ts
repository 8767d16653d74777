import { LuaScript } from '../lua-script.js';

/**
 * What the desired config is, without its content: the scrape-time read of config-push's
 * metrics (the content can be megabytes; only these fields leave Redis).
 * KEYS: desired config key. Returns {} when none, else {epoch, revision, hash, time (ms), servers}.
 */
export const readDesiredSummaryScript = LuaScript(
  'read-desired-summary',
  `
local json = redis.call('GET', KEYS[1])
if not json then return {} end
local desired = cjson.decode(json)
return {tostring(desired.epoch or ''), tostring(desired.revision or 0), tostring(desired.hash or ''), tostring(desired.time or 0), tostring(desired.servers or 0)}
`,
);
