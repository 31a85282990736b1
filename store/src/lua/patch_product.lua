-- Sets the given fields of an existing product, refusing (and changing nothing) to set on hand
-- below what placed orders have reserved, so that every order accepted stays deliverable; with a
-- condition (`If-Match`), only if the product's current ETag is one the client holds. Increments
-- the version; a quantity that changes on hand adds a `set` entry (with the change it made) to
-- the product's ledger, in this same script.
--   KEYS[1] the product's hash; KEYS[2] the units reserved per product (hash); KEYS[3] its ledger
--   ARGV[1] its id; ARGV[2] now (ms); ARGV[3] the ledger's length kept; ARGV[4..] the condition
--   (see precondition in shared.lua), then the fields and values to set
-- Returns {ok, fields...} (the product after, its reserved units added as N.P_RESERVED), {} if
-- there is no such product, {below, reserved} or {stale, version, reserved}: nothing is written
-- unless it answers ok. Crash ordering: the hash first, then the ledger: a failure between them
-- leaves on hand unexplained by the ledger, which the books audit reports (on_hand_mismatch).
local product, reserved, ledger = KEYS[1], KEYS[2], KEYS[3]
local id, now, keep = ARGV[1], ARGV[2], ARGV[3]
if redis.call('EXISTS', product) == 0 then return {} end
local held = redis.call('HGET', reserved, id)
local units = tonumber(held or '0') or 0
local p = redis.call('HMGET', product, N.P_VERSION, N.P_QUANTITY)
local version, before = tonumber(p[1]) or 0, tonumber(p[2]) or 0
local current, first = precondition(4, version, units)
if not current then return { N.R_STALE, version, units } end
local after = nil
for i = first, #ARGV, 2 do
  if ARGV[i] == N.P_QUANTITY then
    after = tonumber(ARGV[i + 1])
    if after < units then return { N.R_BELOW, units } end
  end
end
redis.call('HSET', product, N.P_VERSION, version + 1, unpack(ARGV, first))
if after and after ~= before then ledger_add(ledger, keep, now, after - before, after, N.LR_SET) end
return product_reply(N.R_OK, product, held)
