-- Completing a payment, shared by complete_payments.lua and consumer_run.lua (store prepends this
-- file to both): the schema's names it needs come first in their ARGV.
local O_STATUS, O_PRODUCT_ID, O_PRICE, O_FEE, O_TOTAL, O_QUANTITY, O_UPDATED_AT, PENDING, COMPLETED,
  E_ORDER_ID, E_PRODUCT_ID, E_PRICE, E_FEE, E_TOTAL, E_QUANTITY, E_STATUS = unpack(ARGV, 1, 16)

-- Completes the order `id` (hash `key`) if it is still pending and adds its order_completed event
-- to `stream`; removes it from the `pending` set either way. Returns 1 if it completed it.
-- Crash ordering: the event is added before the order is marked completed. Redis does not roll
-- back a script that fails halfway, and an event whose order is still pending is harmless (the
-- consumer looks at the order), while a completed order without its event would never take its
-- stock.
local function complete_order(pending, stream, key, id, now)
  local done = 0
  if redis.call('TYPE', key)['ok'] == 'hash' and redis.call('HGET', key, O_STATUS) == PENDING then
    local f = redis.call('HMGET', key, O_PRODUCT_ID, O_PRICE, O_FEE, O_TOTAL, O_QUANTITY)
    redis.call('XADD', stream, '*', E_ORDER_ID, id, E_PRODUCT_ID, f[1] or '', E_PRICE, f[2] or '',
      E_FEE, f[3] or '', E_TOTAL, f[4] or '', E_QUANTITY, f[5] or '', E_STATUS, COMPLETED)
    redis.call('HSET', key, O_STATUS, COMPLETED, O_UPDATED_AT, now)
    done = 1
  end
  redis.call('ZREM', pending, id)
  return done
end
