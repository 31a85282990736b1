-- Places an order of one or more lines in one atomic step: checks every line's product and what
-- is available of it (on hand − reserved), and then either reserves every line and stores the
-- order (its hash, its place in the history, its due payment and, with an idempotency key, what a
-- retry with that key gets for 24 h), or changes nothing and says why. Prices and names are read
-- here, never from the client, and each line's fee is computed here: FEE_RATE × unit price,
-- rounded to the cent, halves up, as domain's FeeRate::fee does (store's tests hold the two
-- together); every value stays below 2^53, where Lua's numbers count exactly.
--   KEYS[1] the order's hash; KEYS[2] the history (sorted set by creation time); KEYS[3] the
--           pending payments (sorted set by due time); KEYS[4] the units reserved per product
--           (hash); KEYS[5..4+n] the hash of each line's product, in line order; KEYS[5+n], when
--           the request has an idempotency key, that key's record (string)
--   ARGV[1] order id; ARGV[2] now (ms); ARGV[3] when its payment is due (ms); ARGV[4] the fee
--           rate in basis points; ARGV[5] the largest total (cents); ARGV[6] the request's
--           fingerprint; ARGV[7] the record's lifetime (s); ARGV[8] n, the number of lines;
--           ARGV[9..8+2n] each line's product id and quantity
-- Returns {created, fields...} (the order's hash as placed; also when the order exists already:
-- this request's own retry), {replay, first order id, its fields as placed...}, {reused},
-- {unknown, product id...}, {short, product id, available, ...} or {too_large}: nothing is
-- written unless it returns created. Every key it touches is in KEYS (allow-key-locking).
-- Crash ordering: keys are type-checked before the first write, and the reservations are made
-- before the order is stored: if the script died in between (out of memory), units would stay
-- reserved with no order holding them (visible to the books audit, repaired from the orders),
-- never an order whose units could be sold twice.
local order, history, pending, reserved = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, now, due = ARGV[1], ARGV[2], ARGV[3]
local fee_bp, max_total, fingerprint, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[7]
local n = tonumber(ARGV[8])
local record = KEYS[5 + n]

if record then
  local first = recorded(record, fingerprint)
  if first then return first end
end
if redis.call('EXISTS', order) == 1 then
  local placed = redis.call('HGETALL', order)
  table.insert(placed, 1, N.R_CREATED)
  return placed
end
for key, kind in pairs({ [reserved] = 'hash', [history] = 'zset', [pending] = 'zset' }) do
  local found = redis.call('TYPE', key)['ok']
  if found ~= kind and found ~= 'none' then return redis.error_reply('damaged key: ' .. key) end
end

local lines, unknown, short, total = {}, {}, {}, 0
for i = 1, n do
  local product_id, want = ARGV[7 + 2 * i], tonumber(ARGV[8 + 2 * i])
  local key = KEYS[4 + i]
  local kind = redis.call('TYPE', key)['ok']
  if kind == 'none' then
    unknown[#unknown + 1] = product_id
  elseif kind ~= 'hash' then
    return redis.error_reply('damaged product: ' .. key)
  else
    local p = redis.call('HMGET', key, N.P_QUANTITY, N.P_PRICE, N.P_NAME)
    local on_hand, price = tonumber(p[1]), tonumber(p[2])
    local held = tonumber(redis.call('HGET', reserved, product_id) or '0')
    if not on_hand or not price or not p[3] or not held then
      return redis.error_reply('damaged product: ' .. key)
    end
    local available = on_hand - held
    if available < want then
      short[#short + 1] = product_id
      short[#short + 1] = math.max(available, 0)
    end
    local fee = math.floor((price * fee_bp + 5000) / 10000)
    -- Each product and sum is exact while it is at most 2^53; once past it, it stays past it.
    total = total + (price + fee) * want
    lines[i] = { product_id = product_id, quantity = ARGV[8 + 2 * i], name = p[3], price = p[2], fee = fee }
  end
end
if #unknown > 0 then return { N.R_UNKNOWN, unpack(unknown) } end
if #short > 0 then return { N.R_SHORT, unpack(short) } end
if total > max_total then return { N.R_TOO_LARGE } end

for _, l in ipairs(lines) do redis.call('HINCRBY', reserved, l.product_id, l.quantity) end
local fields = { N.O_STATUS, N.PENDING, N.O_STOCK, N.S_RESERVED, N.O_CREATED_AT, now,
  N.O_UPDATED_AT, now, N.O_TOTAL, string.format('%d', total), N.O_LINES, ARGV[8] }
for i, l in ipairs(lines) do
  for _, pair in ipairs({ { N.L_PRODUCT_ID, l.product_id }, { N.L_NAME, l.name },
    { N.L_QUANTITY, l.quantity }, { N.L_PRICE, l.price }, { N.L_FEE, string.format('%d', l.fee) } }) do
    fields[#fields + 1] = line_field(i, pair[1])
    fields[#fields + 1] = pair[2]
  end
end
redis.call('HSET', order, unpack(fields))
redis.call('ZADD', history, now, id)
redis.call('ZADD', pending, due, id)
if record then
  redis.call('SET', record, fingerprint .. '\n' .. id .. '\n' .. table.concat(fields, '\n'), 'EX', ttl)
end
table.insert(fields, 1, N.R_CREATED)
return fields
