#!lua flags=allow-key-locking
-- Stores a new order, its place in the history and in the pending payments and, when the request
-- has an idempotency key, the answer that a retry with that key gets for 24 h: one atomic step,
-- so a retry either finds the first answer or is the first (there is no "in flight" state).
--   KEYS[1]  the order's hash; KEYS[2] the history (sorted set by creation time); KEYS[3] the
--            pending payments (same); KEYS[4], when given, the idempotency key's record (string)
--   ARGV[1]  order id; ARGV[2] created (ms); ARGV[3] the request's fingerprint; ARGV[4] the
--            answer to replay; ARGV[5] the record's lifetime (s); ARGV[6..] the order's fields
--            and values
-- Returns {'created'}, {'replay', answer} (same key, same request) or {'reused'} (same key,
-- another request). Running it twice for one order id changes nothing the second time, so a
-- retry after a failure that may have reached Redis is safe. Every key it touches is in KEYS, so on
-- Upstash it locks only those (allow-key-locking).
local key = KEYS[4]
if key then
  local stored = redis.call('GET', key)
  if stored then
    local newline = string.find(stored, '\n', 1, true)
    if newline and string.sub(stored, 1, newline - 1) == ARGV[3] then
      return { 'replay', string.sub(stored, newline + 1) }
    end
    return { 'reused' }
  end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
if key then
  redis.call('SET', key, ARGV[3] .. '\n' .. ARGV[4], 'EX', ARGV[5])
end
return { 'created' }
