-- Sets the given fields of an existing product, refusing (and changing nothing) to set on hand
-- below what placed orders have reserved: every order accepted stays deliverable.
--   KEYS[1] the product's hash; KEYS[2] the units reserved per product (hash)
--   ARGV[1] its id; ARGV[2..] fields and values to set
-- Returns {ok, fields...} (the product after, its reserved units added as N.P_RESERVED), {} if
-- there is no such product, or {below, reserved}.
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local reserved = redis.call('HGET', KEYS[2], ARGV[1])
local units = tonumber(reserved or '0') or 0
for i = 2, #ARGV, 2 do
  if ARGV[i] == N.P_QUANTITY and tonumber(ARGV[i + 1]) < units then return { N.R_BELOW, units } end
end
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
local all = redis.call('HGETALL', KEYS[1])
if reserved then
  all[#all + 1] = N.P_RESERVED
  all[#all + 1] = reserved
end
table.insert(all, 1, N.R_OK)
return all
