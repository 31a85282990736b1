-- A product's fields with its reserved units added as N.P_RESERVED (nothing if none reserved).
--   KEYS[1] the product's hash; KEYS[2] the units reserved per product (hash)
--   ARGV[1] its id
-- Returns its fields, or an empty array if there is no such product. Only reads (sent as EVAL:
-- a flagged script under EVAL_RO needs Redis's no-writes flag).
local fields = redis.call('HGETALL', KEYS[1])
local reserved = #fields > 0 and redis.call('HGET', KEYS[2], ARGV[1])
if reserved then
  fields[#fields + 1] = N.P_RESERVED
  fields[#fields + 1] = reserved
end
return fields
