-- Releases the reservations that no order claimed in time: the payment worker died between
-- reserving and storing the order. Global lock: the products are found in the holds.
--   KEYS[1]    the holds (sorted set of `<owner>:<product id>:<quantity>`, scored by time)
--   ARGV[1..2] the schema's names, as unpacked below
--   ARGV[3]    the prefix of product keys; ARGV[4] the cutoff (ms); ARGV[5] at most this many
-- Returns how many were released.
local P_RESERVED, SEPARATOR = unpack(ARGV, 1, 2)
local holds, prefix, cutoff, limit = KEYS[1], ARGV[3], ARGV[4], tonumber(ARGV[5])
local released = 0
for _, hold in ipairs(redis.call('ZRANGEBYSCORE', holds, '-inf', cutoff, 'LIMIT', 0, limit)) do
  -- The owner may contain the separator (an idempotency key): the last two separators count.
  local before, last, at = nil, nil, 0
  while true do
    local found = string.find(hold, SEPARATOR, at + 1, true)
    if not found then break end
    before, last, at = last, found, found
  end
  local product_id = before and string.sub(hold, before + 1, last - 1)
  local quantity = last and tonumber(string.sub(hold, last + 1))
  if product_id and quantity then release(prefix .. product_id, P_RESERVED, quantity) end
  redis.call('ZREM', holds, hold)
  released = released + 1
end
return released
