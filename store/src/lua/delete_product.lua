-- Deletes a product: its hash, its place in the catalogue and its reserved units (its orders not
-- delivered yet are refunded by the consumer, which releases their other lines).
--   KEYS[1] the product's hash; KEYS[2] the catalogue's index; KEYS[3] the units reserved per
--   product (hash)
--   ARGV[1] its id
-- Returns 1 if there was such a product, else 0. Crash ordering: the hash first (the product is
-- gone for every reader); an index entry or a reserved count left behind would be skipped by
-- pages and reads, and is visible to the books audit.
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
