-- Reserves units of a product for an order about to be placed: the inventory's half of placing an
-- order, so that an order is stored only for stock that can be delivered. The hold it records is
-- claimed by place_order.lua; one nobody claims is released by the consumer's run
-- (consumer_run.lua).
--   KEYS[1]  the product's hash; KEYS[2] the holds (sorted set, scored by time); KEYS[3] the
--            units reserved per product (hash); KEYS[4], when the request has an idempotency key,
--            that key's record (only read)
--   ARGV[1..2] the schema's names, as unpacked below (store's reservations.rs sends them)
--   ARGV[3]  the product id; ARGV[4] the hold (a member of KEYS[2]); ARGV[5] the quantity;
--   ARGV[6]  now (ms); ARGV[7] the request's fingerprint (with KEYS[4])
-- Returns {'reserved', unit price, available after}, {'unknown'}, {'short', available},
-- {'replay', answer} or {'reused'} (the key's first request was placed already: nothing is
-- reserved). The same hold is reserved once however often this runs, so a retry is harmless and
-- concurrent requests with one key share one reservation.
local P_QUANTITY, P_PRICE = unpack(ARGV, 1, 2)
local product, holds, reserved_units, record = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local product_id, hold, want, now = ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
if record then
  local first = recorded(record, ARGV[7])
  if first then return first end
end
local kind = redis.call('TYPE', product)['ok']
if kind == 'none' then return { 'unknown' } end
if kind ~= 'hash' then return redis.error_reply('the product key is not a hash: ' .. product) end
local p = redis.call('HMGET', product, P_QUANTITY, P_PRICE)
local on_hand, price = tonumber(p[1]), p[2]
local reserved = tonumber(redis.call('HGET', reserved_units, product_id) or '0')
if not on_hand or not reserved or not price then
  return redis.error_reply('damaged product: ' .. product)
end
local available = on_hand - reserved
-- Also checks the holds' type before any write (Redis does not roll a script back).
if redis.call('ZSCORE', holds, hold) then
  -- A retry sharing the hold: it is as young as its latest request.
  redis.call('ZADD', holds, now, hold)
  return { 'reserved', price, available }
end
if available < want then return { 'short', math.max(available, 0) } end
-- The hold first: if the increment failed after it, the sweep would give back units never taken
-- out of `available` (visible, bounded), never keep units out of sale forever.
redis.call('ZADD', holds, now, hold)
redis.call('HINCRBY', reserved_units, product_id, want)
return { 'reserved', price, available - want }
