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

-- Gives back `quantity` units reserved for `product_id` in the hash `reserved` (product id →
-- units). A deleted product has nothing left to give back, and the count never goes below 0.
local function release(reserved, product_id, quantity)
  local held = tonumber(redis.call('HGET', reserved, product_id) or '0') or 0
  local back = math.min(quantity, held)
  if back <= 0 then return end
  if back == held then
    redis.call('HDEL', reserved, product_id)
  else
    redis.call('HINCRBY', reserved, product_id, -back)
  end
end
