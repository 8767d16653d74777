/**
 * Lua prelude: `now` in epoch milliseconds from the Redis server clock, so every
 * replica agrees on lease expiry whatever its own clock says. Redis 5+ replicates
 * script effects, so reading TIME before writing is allowed.
 */
export const SERVER_TIME_LUA = `
local serverTime = redis.call('TIME')
local now = tonumber(serverTime[1]) * 1000 + math.floor(tonumber(serverTime[2]) / 1000)
`;
