-- Creates a product unless its id is taken: its hash at version 1, its place in the catalogue and
-- its ledger's first entry (`created`, from 0 to its quantity).
--   KEYS[1] the product's hash; KEYS[2] the catalogue's index (sorted set by creation time);
--   KEYS[3] its ledger (stream)
--   ARGV[1] its id; ARGV[2] its creation time (ms); ARGV[3] the ledger's length kept;
--   ARGV[4..] its fields and values (N.P_QUANTITY among them)
-- Returns 1 if it created it, 0 if the id was taken (nothing written). Crash ordering: the hash
-- first; an index entry without its hash would be skipped by every page anyway, and a product
-- without its ledger entry is what the books audit reports (ledger_missing).
local product, index, ledger = KEYS[1], KEYS[2], KEYS[3]
local id, now, keep = ARGV[1], ARGV[2], ARGV[3]
if redis.call('EXISTS', product) == 1 then return 0 end
local quantity = 0
for i = 4, #ARGV, 2 do
  if ARGV[i] == N.P_QUANTITY then quantity = tonumber(ARGV[i + 1]) end
end
redis.call('HSET', product, N.P_VERSION, 1, unpack(ARGV, 4))
redis.call('ZADD', index, now, id)
-- Ids are never reused; a ledger left by a deleted product of the same id (80 random bits) would
-- not be this product's.
redis.call('DEL', ledger)
ledger_add(ledger, keep, now, quantity, quantity, N.LR_CREATED)
return 1
