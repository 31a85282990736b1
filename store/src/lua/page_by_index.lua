-- One page of the hashes named by a sorted-set index, in one round trip (the tutorial's list read
-- each product separately: one command per product, plus one). Items are ordered by (score, id); a page
-- starts after the cursor's (score, id), so adds and deletes between pages shift nothing.
--   KEYS[1]  the index (sorted set of ids, scored by creation time); KEYS[2], when given, the
--            units reserved per product (hash), added to each item's fields as N.P_RESERVED
--   ARGV[1]  prefix of the hashes' keys: the ids are read from the index here, so their keys cannot
--            be passed in KEYS
--   ARGV[2]  the direction: N.OLDEST_FIRST or N.NEWEST_FIRST
--   ARGV[3]  how many items
--   ARGV[4]  cursor score, or '' for the first page; ARGV[5] cursor id
-- Returns { more (1 if items remain after this page), id, score, {field, value, ...}, ... }.
-- Read-only: a crash anywhere changes nothing.
local prefix, newest, limit = ARGV[1], ARGV[2] == N.NEWEST_FIRST, tonumber(ARGV[3])
local has_cursor = ARGV[4] ~= ''
local cursor_score, cursor_id = tonumber(ARGV[4]), ARGV[5]
local from = has_cursor and ARGV[4] or (newest and '+inf' or '-inf')
local to = newest and '-inf' or '+inf'

local function after_cursor(id, score)
  if not has_cursor or score ~= cursor_score then return true end
  if newest then return id < cursor_id else return id > cursor_id end
end

local out, found, offset = { 0 }, 0, 0
-- Batches of limit + 1 from the cursor's score on; ids at that very score up to the cursor are
-- skipped, and so are ids whose hash is gone (never left by our writes, which change both at once).
while true do
  local batch
  if newest then
    batch = redis.call('ZRANGE', KEYS[1], from, to, 'BYSCORE', 'REV', 'LIMIT', offset, limit + 1, 'WITHSCORES')
  else
    batch = redis.call('ZRANGE', KEYS[1], from, to, 'BYSCORE', 'LIMIT', offset, limit + 1, 'WITHSCORES')
  end
  for i = 1, #batch, 2 do
    local id, score = batch[i], tonumber(batch[i + 1])
    if after_cursor(id, score) then
      local fields = redis.call('HGETALL', prefix .. id)
      local extra = KEYS[2] and redis.call('HGET', KEYS[2], id)
      if extra then
        fields[#fields + 1] = N.P_RESERVED
        fields[#fields + 1] = extra
      end
      if #fields > 0 then
        if found == limit then
          out[1] = 1
          return out
        end
        found = found + 1
        out[#out + 1] = id
        out[#out + 1] = batch[i + 1]
        out[#out + 1] = fields
      end
    end
  end
  if #batch < 2 * (limit + 1) then return out end
  offset = offset + limit + 1
end
