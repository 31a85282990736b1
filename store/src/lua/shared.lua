-- Functions shared by the scripts (script.rs puts this file before each of them, after the table
-- N of the schema's names). Each takes its keys as arguments: the caller declares them.

-- A flat { field, value, ... } reply (HGETALL, a stream entry's fields) as a table.
local function fields_of(flat)
  local f = {}
  for i = 1, #flat, 2 do f[flat[i]] = flat[i + 1] end
  return f
end

-- The field of line `n` (from 1) named `field` of an order hash: `line:<n>:<field>`.
local function line_field(n, field)
  return N.LINE_PREFIX .. n .. N.LINE_SEPARATOR .. field
end

-- What a request with an idempotency key placed the first time: nil if it is the first,
-- {replay, first order's id and fields as placed...} for the same request (same fingerprint),
-- {reused} for another one. The record is the fingerprint, then the order id and its fields as
-- placed, one per line (names refuse control characters, so no value holds a line break).
local function recorded(record, fingerprint)
  local stored = redis.call('GET', record)
  if not stored then return nil end
  local parts, from = {}, 1
  while true do
    local at = string.find(stored, '\n', from, true)
    parts[#parts + 1] = string.sub(stored, from, (at or 0) - 1)
    if not at then break end
    from = at + 1
  end
  if parts[1] ~= fingerprint then return { N.R_REUSED } end
  parts[1] = N.R_REPLAY
  return parts
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

-- The lines of the order hash `key`: { {product_id, quantity}, ... }, or nil if the count or a
-- line is damaged (missing, not a whole number above 0).
local function order_lines(key)
  local count = tonumber(redis.call('HGET', key, N.O_LINES))
  if not count or count < 1 or count ~= math.floor(count) then return nil end
  local lines = {}
  for n = 1, count do
    local l = redis.call('HMGET', key, line_field(n, N.L_PRODUCT_ID), line_field(n, N.L_QUANTITY))
    local quantity = tonumber(l[2])
    if not l[1] or not quantity or quantity < 1 or quantity ~= math.floor(quantity) then return nil end
    lines[n] = { product_id = l[1], quantity = quantity }
  end
  return lines
end

-- Gives back every line's reservation of the order hash `key` (its lines read as order_lines).
local function release_lines(reserved, lines)
  for _, l in ipairs(lines) do release(reserved, l.product_id, l.quantity) end
end

-- The fields of an event about the order hash `key` (id `id`): the tutorial's event carries the
-- order; a one-line order's event also its line's product, price, fee and quantity.
local function event_fields(key, id, status)
  local o = redis.call('HMGET', key, N.O_TOTAL, N.O_LINES)
  local fields = { N.E_ORDER_ID, id, N.E_STATUS, status, N.E_TOTAL, o[1] or '', N.E_LINES, o[2] or '' }
  if o[2] == '1' then
    local l = redis.call('HMGET', key, line_field(1, N.L_PRODUCT_ID), line_field(1, N.L_PRICE),
      line_field(1, N.L_FEE), line_field(1, N.L_QUANTITY))
    for i, name in ipairs({ N.E_PRODUCT_ID, N.E_PRICE, N.E_FEE, N.E_QUANTITY }) do
      fields[#fields + 1] = name
      fields[#fields + 1] = l[i] or ''
    end
  end
  return fields
end

-- Completes the order `id` (hash `key`) if it is still pending and adds its order_completed event
-- to `stream`; removes it from the `pending` set either way. Returns 1 if it completed it.
-- Crash ordering: the event is added before the order is marked completed. Redis does not roll
-- back a script that fails halfway, and an event whose order is still pending is harmless (the
-- consumer takes stock only for a completed order; the lost-payment sweep completes this one),
-- while a completed order without its event would never take its stock.
local function complete_order(pending, stream, key, id, now)
  local done = 0
  if redis.call('TYPE', key)['ok'] == 'hash' and redis.call('HGET', key, N.O_STATUS) == N.PENDING then
    redis.call('XADD', stream, '*', unpack(event_fields(key, id, N.COMPLETED)))
    redis.call('HSET', key, N.O_STATUS, N.COMPLETED, N.O_UPDATED_AT, now)
    done = 1
  end
  redis.call('ZREM', pending, id)
  return done
end

-- Appends an entry to the ledger stream `ledger` (key declared by the caller): on hand changed by
-- `change` to `after` at `now` (ms) for `reason`, with `extra` field-value pairs (an adjustment's
-- reason and note, an order's id). Capped: Redis keeps at least the last `keep` entries.
local function ledger_add(ledger, keep, now, change, after, reason, extra)
  local entry = { N.LG_AT, now, N.LG_CHANGE, change, N.LG_AFTER, after, N.LG_REASON, reason }
  for _, v in ipairs(extra or {}) do entry[#entry + 1] = v end
  redis.call('XADD', ledger, 'MAXLEN', '~', keep, '*', unpack(entry))
end

-- An `If-Match` condition in ARGV from index `at`: '' (none), or n followed by n pairs of
-- (version, reserved units), the tags the client holds. Returns whether the product's current
-- (`version`, `reserved`) is one of them (always, without a condition), and the index after it.
local function precondition(at, version, reserved)
  if ARGV[at] == '' then return true, at + 1 end
  local n = tonumber(ARGV[at])
  local ok = false
  for i = 0, n - 1 do
    if tonumber(ARGV[at + 1 + 2 * i]) == version and tonumber(ARGV[at + 2 + 2 * i]) == reserved then
      ok = true
    end
  end
  return ok, at + 1 + 2 * n
end

-- The fields of the product hash `key` with its reserved units (`held`, a string or nil) added as
-- N.P_RESERVED, after `tag`: what a change answers.
local function product_reply(tag, key, held)
  local all = redis.call('HGETALL', key)
  if held then
    all[#all + 1] = N.P_RESERVED
    all[#all + 1] = held
  end
  table.insert(all, 1, tag)
  return all
end
