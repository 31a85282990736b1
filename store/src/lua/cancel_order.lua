-- Cancels a pending order and releases its reservation, atomically with respect to the payment's
-- completion (complete_payments.lua completes only a pending order): whichever runs first wins,
-- and the order ends either completed or cancelled, never both.
-- Global lock: the product is named inside the order, so its key cannot be passed in KEYS
-- without a second round trip (README, "Locks").
--   KEYS[1]    the order's hash; KEYS[2] the pending payments
--   ARGV[1..10] the schema's names, as unpacked below (store's orders.rs sends them)
--   ARGV[11]   the order id; ARGV[12] the prefix of product keys; ARGV[13] now (ms)
-- Returns {'cancelled', fields...} (the order after), {'unknown'} or {'not_cancellable', status}.
-- Running it twice answers not_cancellable the second time and changes nothing.
local O_STATUS, O_STOCK, O_PRODUCT_ID, O_QUANTITY, O_UPDATED_AT, PENDING, CANCELLED, RESERVED,
  RELEASED, P_RESERVED = unpack(ARGV, 1, 10)
local order, pending = KEYS[1], KEYS[2]
local id, prefix, now = ARGV[11], ARGV[12], ARGV[13]
if redis.call('TYPE', order)['ok'] ~= 'hash' then return { 'unknown' } end
local o = redis.call('HMGET', order, O_STATUS, O_STOCK, O_PRODUCT_ID, O_QUANTITY)
if o[1] ~= PENDING then return { 'not_cancellable', o[1] or '' } end
-- The status first: a failure after it leaves a reservation to release by hand (visible in the
-- books check), never a cancelled order that still gets paid.
redis.call('HSET', order, O_STATUS, CANCELLED, O_UPDATED_AT, now)
redis.call('ZREM', pending, id)
if o[2] == RESERVED then
  redis.call('HSET', order, O_STOCK, RELEASED)
  local quantity = tonumber(o[4])
  if o[3] and quantity then release(prefix .. o[3], P_RESERVED, quantity) end
end
local after = redis.call('HGETALL', order)
table.insert(after, 1, 'cancelled')
return after
