-- Functions shared by several scripts (store prepends this file to them; see `script!`).

-- What a request with an idempotency key got the first time: nil if it is the first,
-- {'replay', answer} for the same request (same fingerprint), {'reused'} for another one. The
-- record is the fingerprint, a newline, the answer.
local function recorded(record, fingerprint)
  local stored = redis.call('GET', record)
  if not stored then return nil end
  local newline = string.find(stored, '\n', 1, true)
  if newline and string.sub(stored, 1, newline - 1) == fingerprint then
    return { 'replay', string.sub(stored, newline + 1) }
  end
  return { 'reused' }
end

-- Gives back `quantity` reserved units of `product` (field `reserved_field`). A deleted product
-- has nothing to give back, and the count never goes below 0.
local function release(product, reserved_field, quantity)
  if redis.call('TYPE', product)['ok'] ~= 'hash' then return end
  local reserved = tonumber(redis.call('HGET', product, reserved_field) or '0') or 0
  local back = math.min(quantity, reserved)
  if back > 0 then redis.call('HINCRBY', product, reserved_field, -back) end
end
