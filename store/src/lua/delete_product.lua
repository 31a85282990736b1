-- Deletes a product: its hash, its place in the catalogue and its reserved units (its orders not
-- delivered yet are refunded by the consumer, which releases their other lines); with a
-- condition (`If-Match`), only if its current ETag is one the client holds. Its ledger stays,
-- with a last `deleted` entry (the on hand it removed), for the retention time.
--   KEYS[1] the product's hash; KEYS[2] the catalogue's index; KEYS[3] the units reserved per
--   product (hash); KEYS[4] its ledger
--   ARGV[1] its id; ARGV[2] now (ms); ARGV[3] the ledger's length kept; ARGV[4] how long the
--   ledger outlives the product (s); ARGV[5..] the condition (see precondition in shared.lua)
-- Returns {ok} if it deleted it, {} if there was no such product, {stale, version, reserved}
-- (nothing changed). Crash ordering: the hash first (the product is gone for every reader); an
-- index entry or a reserved count left behind would be skipped by pages and reads, and is
-- visible to the books audit.
local product, index, reserved, ledger = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, now, keep, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('EXISTS', product) == 0 then return {} end
local units = tonumber(redis.call('HGET', reserved, id) or '0') or 0
local p = redis.call('HMGET', product, N.P_VERSION, N.P_QUANTITY)
local version, on_hand = tonumber(p[1]) or 0, tonumber(p[2]) or 0
if not precondition(5, version, units) then return { N.R_STALE, version, units } end
redis.call('DEL', product)
redis.call('ZREM', index, id)
redis.call('HDEL', reserved, id)
ledger_add(ledger, keep, now, -on_hand, 0, N.LR_DELETED)
redis.call('EXPIRE', ledger, retention)
return { N.R_OK }
