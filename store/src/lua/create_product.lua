-- Creates a product unless its id is taken.
--   KEYS[1] the product's hash; KEYS[2] the catalogue's index (sorted set by creation time)
--   ARGV[1] its id; ARGV[2] its creation time (ms); ARGV[3..] its fields and values
-- Returns 1 if it created it, 0 if the id was taken (nothing written). Crash ordering: the hash
-- first; an index entry without its hash would be skipped by every page anyway.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
