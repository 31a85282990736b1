-- Adds `delta` (signed) to a product's on hand, atomically with whatever else changes it (orders
-- taking stock, other adjustments, a PATCH): nothing is overwritten, so nothing is lost. Refused,
-- changing nothing, below 0, above the largest quantity, or below what placed orders have
-- reserved; with a condition (`If-Match`), only if the product's current ETag is one the client
-- holds. Increments the version and adds an `adjustment` entry (its reason and note) to the
-- product's ledger, in this same script.
--   KEYS[1] the product's hash; KEYS[2] the units reserved per product (hash); KEYS[3] its ledger
--   ARGV[1] its id; ARGV[2] now (ms); ARGV[3] the ledger's length kept; ARGV[4] delta;
--   ARGV[5] the largest quantity; ARGV[6] the adjustment's reason; ARGV[7] its note ('' for
--   none); ARGV[8..] the condition (see precondition in shared.lua)
-- Returns {ok, fields...} (the product after, its reserved units added as N.P_RESERVED), {} if
-- there is no such product, {negative, on hand}, {above_max, on hand}, {below, reserved} or
-- {stale, version, reserved}. Crash ordering: as patch_product.lua (the hash, then the ledger).
local product, reserved, ledger = KEYS[1], KEYS[2], KEYS[3]
local id, now, keep, delta, max = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local reason, note = ARGV[6], ARGV[7]
if redis.call('EXISTS', product) == 0 then return {} end
local held = redis.call('HGET', reserved, id)
local units = tonumber(held or '0') or 0
local p = redis.call('HMGET', product, N.P_VERSION, N.P_QUANTITY)
local version, on_hand = tonumber(p[1]) or 0, tonumber(p[2])
if not on_hand then return redis.error_reply('damaged product: ' .. product) end
if not precondition(8, version, units) then return { N.R_STALE, version, units } end
local after = on_hand + delta
if after < 0 then return { N.R_NEGATIVE, on_hand } end
if after > max then return { N.R_ABOVE_MAX, on_hand } end
if after < units then return { N.R_BELOW, units } end
redis.call('HSET', product, N.P_QUANTITY, after, N.P_VERSION, version + 1)
local extra = { N.LG_ADJUSTMENT, reason }
if note ~= '' then
  extra[#extra + 1] = N.LG_NOTE
  extra[#extra + 1] = note
end
ledger_add(ledger, keep, now, delta, after, N.LR_ADJUSTMENT, extra)
return product_reply(N.R_OK, product, held)
