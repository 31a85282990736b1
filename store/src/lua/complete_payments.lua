-- Completes pending orders (the simulated payment succeeded) and adds each one's order_completed
-- event in the same atomic step: no order is completed without its event, nor the reverse.
-- Orders that are no longer pending are left alone, so running it twice changes nothing.
--   KEYS[1]  sorted set of pending order ids (by creation time)
--   KEYS[2]  the order_completed stream
--   ARGV[1]  order key prefix, ARGV[2] now (ms)
--   ARGV[3]  'ids' followed by order ids, or 'older_than' followed by a cutoff (ms) and a limit
local pending, stream, prefix, now = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
local ids = {}
if ARGV[3] == 'older_than' then
  ids = redis.call('ZRANGEBYSCORE', pending, '-inf', ARGV[4], 'LIMIT', 0, tonumber(ARGV[5]))
else
  for i = 4, #ARGV do ids[#ids + 1] = ARGV[i] end
end
local completed = 0
for _, id in ipairs(ids) do
  local key = prefix .. id
  if redis.call('TYPE', key)['ok'] == 'hash' and redis.call('HGET', key, 'status') == 'pending' then
    local o = redis.call('HMGET', key, 'product_id', 'price', 'fee', 'total', 'quantity')
    -- The event first: Redis does not roll back a script that fails halfway, and an event whose
    -- order is still pending is harmless (the consumer looks at the order), while a completed
    -- order without its event would never take its stock.
    redis.call('XADD', stream, '*', 'pk', id, 'product_id', o[1] or '', 'price', o[2] or '', 'fee', o[3] or '',
      'total', o[4] or '', 'quantity', o[5] or '', 'status', 'completed')
    redis.call('HSET', key, 'status', 'completed', 'updated_at', now)
    completed = completed + 1
  end
  redis.call('ZREM', pending, id)
end
return completed
