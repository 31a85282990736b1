-- The reserved units the books audit checks, and the one derived count its repair rebuilds, from
-- one consistent snapshot of the orders that can hold a reservation: the pending set (orders not
-- paid yet), the order_completed stream (events not applied yet, and applied ones not trimmed
-- yet) and its dead letters (events that could not apply: their orders still hold their units).
-- Each named order holding its reservation (stock `reserved`, status pending or completed) adds
-- its lines' units to their products; a product that no longer exists should hold nothing (its
-- deletion took its count, and the consumer refunds its orders). Check (EVAL_RO): compares with
-- the `reserved` hash, reports more reserved than on hand and payments past due. Repair (EVAL):
-- rewrites each count that differs, and nothing else. Global lock (the orders and products are
-- found inside), bounded by the orders in flight, not by the size of the shop.
--   KEYS[1] the pending set (by due time); KEYS[2] order_completed; KEYS[3] its dead letters;
--   KEYS[4] the units reserved per product (hash)
--   ARGV[1], ARGV[2] the prefixes of order and product keys; ARGV[3] N.A_REPAIR to repair, else
--   check only; ARGV[4] the overdue cutoff (ms: a payment due before it is past its grace)
-- Returns { orders named, orders holding, products compared, problems, changes }: problems a
-- flat list of (kind, product id, order id, expected, found) (check only), changes of (product
-- id, before, after) (repair only). Crash ordering (repair): each count is one HSET or HDEL, and
-- running it again finishes what a failure left: it is idempotent.
local PENDING, COMPLETED, DEAD, RESERVED = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local order_prefix, product_prefix = ARGV[1], ARGV[2]
local repair, cutoff = ARGV[3] == N.A_REPAIR, tonumber(ARGV[4])
local problems, changes = {}, {}

local function problem(kind, product, order, expected, found)
  for _, v in ipairs({ kind, product or '', order or '', expected, found }) do
    problems[#problems + 1] = v
  end
end

local named, seen = {}, {}
local function name(id)
  if id and id ~= '' and not seen[id] then
    seen[id] = true
    named[#named + 1] = id
  end
end
local due = redis.call('ZRANGE', PENDING, 0, -1, 'WITHSCORES')
for i = 1, #due, 2 do
  name(due[i])
  if tonumber(due[i + 1]) < cutoff then problem(N.A_OVERDUE_PAYMENT, nil, due[i], N.COMPLETED, N.PENDING) end
end
for _, stream in ipairs({ COMPLETED, DEAD }) do
  for _, e in ipairs(redis.call('XRANGE', stream, '-', '+')) do
    local order = fields_of(e[2])[N.E_ORDER_ID]
    if order then name(order) end
  end
end

local expected, holding = {}, 0
for _, id in ipairs(named) do
  local key = order_prefix .. id
  if redis.call('TYPE', key)['ok'] == 'hash' then
    local o = redis.call('HMGET', key, N.O_STATUS, N.O_STOCK)
    local lines = o[2] == N.S_RESERVED and (o[1] == N.PENDING or o[1] == N.COMPLETED) and order_lines(key)
    if lines then
      holding = holding + 1
      for _, l in ipairs(lines) do
        expected[l.product_id] = (expected[l.product_id] or 0) + l.quantity
      end
    end
  end
end

local found, products = fields_of(redis.call('HGETALL', RESERVED)), {}
for id in pairs(expected) do products[#products + 1] = id end
for id in pairs(found) do
  if not expected[id] then products[#products + 1] = id end
end
table.sort(products)
for _, id in ipairs(products) do
  local key = product_prefix .. id
  local exists = redis.call('TYPE', key)['ok'] == 'hash'
  local want = exists and expected[id] or 0
  local have = found[id] and tonumber(found[id]) or (found[id] == nil and 0) or nil
  if want ~= have then
    if repair then
      if want == 0 then redis.call('HDEL', RESERVED, id) else redis.call('HSET', RESERVED, id, want) end
      for _, v in ipairs({ id, found[id] or 0, want }) do changes[#changes + 1] = v end
    else
      problem(N.A_RESERVED_MISMATCH, id, nil, want, found[id] or 0)
    end
  end
  local on_hand = exists and tonumber(redis.call('HGET', key, N.P_QUANTITY))
  if not repair and on_hand and have and have > on_hand then
    problem(N.A_RESERVED_OVER_ON_HAND, id, nil, on_hand, have)
  end
end
return { #named, holding, #products, problems, changes }
