-- Completes pending orders (the simulated payment succeeded) and adds each one's order_completed
-- event in the same atomic step: no order is completed without its event, nor the reverse.
-- Orders that are no longer pending (completed, or cancelled first) are left alone, so running it
-- twice changes nothing. Every key it touches is in KEYS (allow-key-locking).
--   KEYS[1]     sorted set of pending orders (by due time)
--   KEYS[2]     the order_completed stream
--   KEYS[3...]  the hash of each order named in ARGV, in the same order
--   ARGV[1]     now (ms); ARGV[2...] order ids
-- Returns how many it completed. Crash ordering: see complete_order (shared.lua).
local completed = 0
for i = 2, #ARGV do
  completed = completed + complete_order(KEYS[1], KEYS[2], KEYS[i + 1], ARGV[i], ARGV[1])
end
return completed
