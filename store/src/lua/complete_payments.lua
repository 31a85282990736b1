-- Completes pending orders (the simulated payment succeeded) and adds each one's order_completed
-- event in the same atomic step: no order is completed without its event, nor the reverse.
-- Orders that are no longer pending are left alone, so running it twice changes nothing.
--   KEYS[1]     sorted set of pending order ids (by creation time)
--   KEYS[2]     the order_completed stream
--   KEYS[3...]  with 'ids': the hash of each order named in ARGV, in the same order
--   ARGV[1..16] the schema's names, as unpacked below (store's orders.rs sends them)
--   ARGV[17]    now (ms)
--   ARGV[18...] 'ids' followed by order ids; or 'older_than' followed by a cutoff (ms), a limit and
--               the prefix of order keys: those ids are read from the pending set here, so their
--               keys cannot be passed in KEYS
-- Crash ordering: each order's event is added before the order is marked completed (see below).
local O_STATUS, O_PRODUCT_ID, O_PRICE, O_FEE, O_TOTAL, O_QUANTITY, O_UPDATED_AT, PENDING, COMPLETED,
  E_ORDER_ID, E_PRODUCT_ID, E_PRICE, E_FEE, E_TOTAL, E_QUANTITY, E_STATUS = unpack(ARGV, 1, 16)
local pending, stream, now = KEYS[1], KEYS[2], ARGV[17]
local orders = {}
if ARGV[18] == 'older_than' then
  local prefix = ARGV[21]
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', pending, '-inf', ARGV[19], 'LIMIT', 0, tonumber(ARGV[20]))) do
    orders[#orders + 1] = { id, prefix .. id }
  end
else
  for i = 19, #ARGV do orders[#orders + 1] = { ARGV[i], KEYS[i - 16] } end
end
local completed = 0
for _, o in ipairs(orders) do
  local id, key = o[1], o[2]
  if redis.call('TYPE', key)['ok'] == 'hash' and redis.call('HGET', key, O_STATUS) == PENDING then
    local f = redis.call('HMGET', key, O_PRODUCT_ID, O_PRICE, O_FEE, O_TOTAL, O_QUANTITY)
    -- The event first: Redis does not roll back a script that fails halfway, and an event whose
    -- order is still pending is harmless (the consumer looks at the order), while a completed
    -- order without its event would never take its stock.
    redis.call('XADD', stream, '*', E_ORDER_ID, id, E_PRODUCT_ID, f[1] or '', E_PRICE, f[2] or '',
      E_FEE, f[3] or '', E_TOTAL, f[4] or '', E_QUANTITY, f[5] or '', E_STATUS, COMPLETED)
    redis.call('HSET', key, O_STATUS, COMPLETED, O_UPDATED_AT, now)
    completed = completed + 1
  end
  redis.call('ZREM', pending, id)
end
return completed
