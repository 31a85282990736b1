-- Releases one reservation that its order will not claim (the order was refused after the stock
-- was reserved, e.g. its total is over the limit). Releases nothing if the hold is gone already
-- (claimed or swept), so running it twice is harmless.
--   KEYS[1] the holds; KEYS[2] the units reserved per product (hash)
--   ARGV[1] the product id; ARGV[2] the hold; ARGV[3] its quantity
-- Returns 1 if it released the hold, else 0.
if redis.call('ZREM', KEYS[1], ARGV[2]) == 0 then return 0 end
release(KEYS[2], ARGV[1], tonumber(ARGV[3]))
return 1
