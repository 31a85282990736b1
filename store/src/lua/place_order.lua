-- Stores a new order, its place in the history and in the pending payments, claims the
-- reservation reserve.lua made for it and, when the request has an idempotency key, records the
-- answer that a retry with that key gets for 24 h: one atomic step, so a retry either finds the
-- first answer or is the first (there is no "in flight" state).
--   KEYS[1]  the order's hash; KEYS[2] the history (sorted set by creation time); KEYS[3] the
--            pending payments (same); KEYS[4] the holds; KEYS[5] the units reserved per product
--            (hash); KEYS[6], when given, the idempotency key's record (string)
--   ARGV[1..2] the schema's names, as unpacked below (store's orders.rs sends them)
--   ARGV[3]  order id; ARGV[4] created (ms); ARGV[5] the request's fingerprint; ARGV[6] the
--            answer to replay; ARGV[7] the record's lifetime (s); ARGV[8] the hold (empty: none);
--            ARGV[9] the product id; ARGV[10] the quantity; ARGV[11..] the order's fields and values
-- Returns {'created'}, {'replay', answer} (same key, same request), {'reused'} (same key, another
-- request) or {'expired'} (the hold was released by the sweep first: nothing is stored). For a
-- replay or a reuse this request's own reservation, if it has one, goes back at once. Running it
-- twice for one order id changes nothing the second time, so a retry after a failure that may
-- have reached Redis is safe. Every key it touches is in KEYS (allow-key-locking).
local O_STOCK, RESERVED = unpack(ARGV, 1, 2)
local order, history, pending, holds, reserved_units, record = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local id, created, fingerprint, answer, ttl, hold, product_id, quantity = unpack(ARGV, 3, 10)
if record then
  local first = recorded(record, fingerprint)
  if first then
    if redis.call('ZREM', holds, hold) == 1 then release(reserved_units, product_id, tonumber(quantity)) end
    return first
  end
end
if redis.call('EXISTS', order) == 1 then return { 'created' } end
if hold == '' then
  -- No reservation: an order as placed before reservations existed (the consumer checks the stock).
  redis.call('HSET', order, unpack(ARGV, 11))
else
  if redis.call('ZREM', holds, hold) == 0 then return { 'expired' } end
  -- From here the order holds the reservation (its `stock` field says so).
  redis.call('HSET', order, O_STOCK, RESERVED, unpack(ARGV, 11))
end
redis.call('ZADD', history, created, id)
redis.call('ZADD', pending, created, id)
if record then
  redis.call('SET', record, fingerprint .. '\n' .. answer, 'EX', ttl)
end
return { 'created' }
