-- Everything the books check reads, in one atomic snapshot (EVAL_RO), so that it can run while
-- orders are placed, paid and applied: every order's status, stock and lines, each named
-- product's on-hand count and the reserved units. For tests (store::test_support::books): it
-- reads every order, so it is no tool for a large shop.
--   KEYS[1] the history (sorted set of order ids); KEYS[2] the units reserved per product (hash)
--   ARGV[1], ARGV[2] the prefixes of order and product keys; ARGV[3..] product ids
-- Returns { orders, products, reserved }: orders a flat list of { id, {field, value, ...} },
-- products { on hand or false, ... } in ARGV order, reserved the hash's flat fields.
local orders = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  orders[#orders + 1] = id
  orders[#orders + 1] = redis.call('HGETALL', ARGV[1] .. id)
end
local products = {}
for i = 3, #ARGV do
  products[#products + 1] = redis.call('HGET', ARGV[2] .. ARGV[i], N.P_QUANTITY) or ''
end
return { orders, products, redis.call('HGETALL', KEYS[2]) }
