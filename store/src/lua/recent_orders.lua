-- The newest orders with their fields: { id, {field, value, ...}, ... }.
--   KEYS[1] sorted set of order ids (by creation time); ARGV[1] order key prefix; ARGV[2] limit
local ids = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
local out = {}
for _, id in ipairs(ids) do
  local fields = redis.call('HGETALL', ARGV[1] .. id)
  if #fields > 0 then
    out[#out + 1] = id
    out[#out + 1] = fields
  end
end
return out
