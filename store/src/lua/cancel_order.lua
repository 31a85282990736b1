-- Cancels a pending order and releases its reservation, atomically with respect to the payment's
-- completion (complete_payments.lua completes only a pending order): whichever runs first wins,
-- and the order ends either completed or cancelled, never both.
-- Every key it touches is in KEYS (allow-key-locking): the reservation is released in the shared
-- hash of reserved units, whose key is known before the order is read.
--   KEYS[1]    the order's hash; KEYS[2] the pending payments; KEYS[3] the units reserved per
--              product (hash)
--   ARGV[1..9] the schema's names, as unpacked below (store's orders.rs sends them)
--   ARGV[10]   the order id; ARGV[11] now (ms)
-- Returns {'cancelled', fields...} (the order after), {'unknown'} or {'not_cancellable', status}.
-- Running it twice answers not_cancellable the second time and changes nothing.
local O_STATUS, O_STOCK, O_PRODUCT_ID, O_QUANTITY, O_UPDATED_AT, PENDING, CANCELLED, RESERVED,
  RELEASED = unpack(ARGV, 1, 9)
local order, pending, reserved_units = KEYS[1], KEYS[2], KEYS[3]
local id, now = ARGV[10], ARGV[11]
if redis.call('TYPE', order)['ok'] ~= 'hash' then return { 'unknown' } end
local o = redis.call('HMGET', order, O_STATUS, O_STOCK, O_PRODUCT_ID, O_QUANTITY)
if o[1] ~= PENDING then return { 'not_cancellable', o[1] or '' } end
-- The order in one write first: a failure after it leaves a reservation to release by hand
-- (visible in the books check), never a cancelled order that still gets paid.
if o[2] == RESERVED then
  redis.call('HSET', order, O_STATUS, CANCELLED, O_UPDATED_AT, now, O_STOCK, RELEASED)
else
  redis.call('HSET', order, O_STATUS, CANCELLED, O_UPDATED_AT, now)
end
redis.call('ZREM', pending, id)
local quantity = tonumber(o[4])
if o[2] == RESERVED and o[3] and quantity then release(reserved_units, o[3], quantity) end
local after = redis.call('HGETALL', order)
table.insert(after, 1, 'cancelled')
return after
