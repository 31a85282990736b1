-- Everything the books check reads, in one atomic snapshot (EVAL_RO), so that it can run while
-- orders are placed, paid and applied: every order's status, stock and lines, each named
-- product's on-hand count and ledger, and the reserved units. For tests
-- (store::test_support::books): it reads every order, so it is no tool for a large shop (the live
-- audit, audit_page.lua and audit_reservations.lua, is).
--   KEYS[1] the history (sorted set of order ids); KEYS[2] the units reserved per product (hash)
--   ARGV[1], ARGV[2], ARGV[3] the prefixes of order, product and ledger keys; ARGV[4..] product ids
-- Returns { orders, products, reserved, ledgers }: orders a flat list of { id, {field, value,
-- ...} }, products { on hand or '', ... } in ARGV order, reserved the hash's flat fields, ledgers
-- { { reason, change, quantity_after, ... }, ... } in ARGV order, oldest entry first.
local orders = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  orders[#orders + 1] = id
  orders[#orders + 1] = redis.call('HGETALL', ARGV[1] .. id)
end
local products, ledgers = {}, {}
for i = 4, #ARGV do
  products[#products + 1] = redis.call('HGET', ARGV[2] .. ARGV[i], N.P_QUANTITY) or ''
  local ledger = {}
  for _, e in ipairs(redis.call('XRANGE', ARGV[3] .. ARGV[i], '-', '+')) do
    local f = fields_of(e[2])
    ledger[#ledger + 1] = f[N.LG_REASON] or ''
    ledger[#ledger + 1] = f[N.LG_CHANGE] or ''
    ledger[#ledger + 1] = f[N.LG_AFTER] or ''
  end
  ledgers[#ledgers + 1] = ledger
end
return { orders, products, redis.call('HGETALL', KEYS[2]), ledgers }
