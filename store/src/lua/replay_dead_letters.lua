-- Puts dead letters back onto their stream as the events they were (their fields without the
-- dead-letter ones) and removes them from the dead letters, in one step. The consumer then
-- applies each like any event, exactly once: the order's effect record makes a replay of an
-- effect that already happened a duplicate that changes nothing. Every key it touches is in KEYS
-- (allow-key-locking).
--   KEYS[1] the dead letters (stream); KEYS[2] the stream they came from
--   ARGV[1] one dead letter's id, or '' for the oldest ones; ARGV[2] how many of them at most
-- Returns { dead letters left, then (dead letter id, its new event id) for each one replayed }
-- (none replayed: no such dead letter). Crash ordering: each event is added before its dead
-- letter is removed, so a failure between leaves it in both: the second copy is a duplicate.
local dead, stream = KEYS[1], KEYS[2]
local one, most = ARGV[1], ARGV[2]
local entries
if one ~= '' then
  entries = redis.call('XRANGE', dead, one, one)
else
  entries = redis.call('XRANGE', dead, '-', '+', 'COUNT', most)
end
local out = { 0 }
for _, e in ipairs(entries) do
  local fields, f = {}, e[2]
  for i = 1, #f, 2 do
    if f[i] ~= N.D_SOURCE_ID and f[i] ~= N.D_REASON and f[i] ~= N.D_DELIVERIES then
      fields[#fields + 1] = f[i]
      fields[#fields + 1] = f[i + 1]
    end
  end
  -- An event always had a field (XADD needs one); a letter with none stays where it is.
  if #fields > 0 then
    local id = redis.call('XADD', stream, '*', unpack(fields))
    redis.call('XDEL', dead, e[1])
    out[#out + 1] = e[1]
    out[#out + 1] = id
  end
end
out[1] = redis.call('XLEN', dead)
return out
