-- Discards dead letters for good: one, or all of a stream's. Every key it touches is in KEYS
-- (allow-key-locking).
--   KEYS[1] the dead letters (stream)
--   ARGV[1] one dead letter's id, or '' for all of them
-- Returns how many it removed (0: no such dead letter). Crash ordering: one command writes.
local dead, one = KEYS[1], ARGV[1]
if one ~= '' then return redis.call('XDEL', dead, one) end
local count = redis.call('XLEN', dead)
redis.call('DEL', dead)
return count
