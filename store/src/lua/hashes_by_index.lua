-- The hashes named by a sorted-set index, in one round trip: { id, {field, value, ...}, ... }.
-- (The tutorial's list read each product separately: N+1 commands for N products.)
--   KEYS[1]  the index (sorted set of ids)
--   ARGV[1]  prefix of the hashes' keys, ARGV[2] 'oldest' or 'newest' first, ARGV[3] how many (-1: all)
local last = tonumber(ARGV[3]) - 1
if last < 0 then last = -1 end
local range = ARGV[2] == 'newest' and 'ZREVRANGE' or 'ZRANGE'
local out = {}
for _, id in ipairs(redis.call(range, KEYS[1], 0, last)) do
  local fields = redis.call('HGETALL', ARGV[1] .. id)
  if #fields > 0 then
    out[#out + 1] = id
    out[#out + 1] = fields
  end
end
return out
