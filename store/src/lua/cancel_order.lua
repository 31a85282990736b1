-- Cancels a pending order and releases every line's reservation, atomically with respect to the
-- payment's completion (complete_payments.lua completes only a pending order): whichever runs
-- first wins, and the order ends either completed or cancelled, never both.
-- Every key it touches is in KEYS (allow-key-locking): the reservations are released in the shared
-- hash of reserved units, whose key is known before the order is read.
--   KEYS[1] the order's hash; KEYS[2] the pending payments; KEYS[3] the units reserved per
--           product (hash)
--   ARGV[1] the order id; ARGV[2] now (ms)
-- Returns {cancelled, fields...} (the order after), {} (no such order) or {not_cancellable,
-- status}. Running it twice answers not_cancellable the second time and changes nothing.
-- Crash ordering: the order is written first, in one HSET: a failure after it leaves reservations
-- to release by hand (visible to the books audit), never a cancelled order that still gets paid.
local order, pending, reserved = KEYS[1], KEYS[2], KEYS[3]
local id, now = ARGV[1], ARGV[2]
if redis.call('TYPE', order)['ok'] ~= 'hash' then return {} end
local o = redis.call('HMGET', order, N.O_STATUS, N.O_STOCK)
if o[1] ~= N.PENDING then return { N.R_NOT_CANCELLABLE, o[1] or '' } end
local lines = order_lines(order)
if o[2] == N.S_RESERVED and lines then
  redis.call('HSET', order, N.O_STATUS, N.CANCELLED, N.O_UPDATED_AT, now, N.O_STOCK, N.S_RELEASED)
  redis.call('ZREM', pending, id)
  release_lines(reserved, lines)
else
  -- Damaged lines: cancelled, its reservations (if any) left for the books audit to find.
  redis.call('HSET', order, N.O_STATUS, N.CANCELLED, N.O_UPDATED_AT, now)
  redis.call('ZREM', pending, id)
end
local after = redis.call('HGETALL', order)
table.insert(after, 1, N.R_CANCELLED)
return after
