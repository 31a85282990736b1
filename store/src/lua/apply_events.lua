-- Applies one batch of stream events and acknowledges exactly what it applied, atomically: after
-- a crash anywhere, each event is either applied and acknowledged, or untouched and pending.
-- Effects are idempotent per order (a field on the order records them), so an event delivered
-- twice, reclaimed or replayed by hand, changes the stock once. The order's own fields decide the
-- effect, not the event's. Then both streams are trimmed of what their group has acknowledged.
--
-- Redis does not roll a script back when a command fails halfway, so: every argument is read and
-- checked before the first write; keys are type-checked before use (a wrong type would raise);
-- within an event, the write that makes a retry harmless comes first.
--
--   KEYS[1..4]  order_completed, refund_order, and their dead-letter streams
--   KEYS[5...]  the hash of the order of each decoded event below, in ARGV's order
--   ARGV[1..36] the schema's names, as unpacked below (store's consumer.rs sends them)
--   ARGV[37]    prefix of product keys: the product is the one its order names, read here, so its
--               key cannot be passed in KEYS
--   ARGV[38]    now (ms); ARGV[39] deliveries before dead letter
--   ARGV[40...] four sections, each a count followed by its items:
--     order_completed decoded:   stream id, order id
--     refund_order decoded:      stream id, refund reason
--     order_completed malformed: stream id
--     refund_order malformed:    stream id
local INVENTORY, PAYMENT,
  O_STOCK, O_PRODUCT_ID, O_QUANTITY, O_PRICE, O_FEE, O_TOTAL, O_STATUS, O_REFUND_REASON, O_UPDATED_AT,
  P_QUANTITY, TAKEN, REFUND_REQUESTED, COMPLETED, REFUNDED, PRODUCT_DELETED, INSUFFICIENT_STOCK,
  E_ORDER_ID, E_PRODUCT_ID, E_PRICE, E_FEE, E_TOTAL, E_QUANTITY, E_STATUS, E_REFUND_REASON,
  D_SOURCE_ID, D_REASON, D_DELIVERIES,
  MALFORMED, UNKNOWN_ORDER, DAMAGED_ORDER, DAMAGED_PRODUCT, REFUND_NOT_REQUESTED,
  RESERVED, P_RESERVED = unpack(ARGV, 1, 36)
local OC, RO, OC_DEAD, RO_DEAD = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local product_prefix, now, max_deliveries = ARGV[37], ARGV[38], tonumber(ARGV[39])

local at, key_at = 40, 5
local function take() local v = ARGV[at]; at = at + 1; return v end
-- An item of a decoded section ends with its order's key.
local function section(width, keyed)
  local items = {}
  for _ = 1, tonumber(take()) do
    local item = {}
    for w = 1, width do item[w] = take() end
    if keyed then item[width + 1] = KEYS[key_at]; key_at = key_at + 1 end
    items[#items + 1] = item
  end
  return items
end
local completed, refunds = section(2, true), section(2, true)
local bad_completed, bad_refunds = section(1, false), section(1, false)

local report = { applied = 0, refund_requests = 0, refunded = 0, duplicates = 0, dead_lettered = 0, held = 0 }

local function type_of(key) return redis.call('TYPE', key)['ok'] end

-- An event that cannot apply stays pending (to be reclaimed and retried) until it has been
-- delivered max_deliveries times; then it moves, with its fields, to the dead-letter stream.
local function cannot_apply(stream, group, dead, id, why)
  local pending = redis.call('XPENDING', stream, group, id, id, 1)[1]
  if not pending then return end
  local deliveries = pending[4]
  if deliveries < max_deliveries then
    report.held = report.held + 1
    return
  end
  local entry = redis.call('XRANGE', stream, id, id)[1]
  local copy = { D_SOURCE_ID, id, D_REASON, why, D_DELIVERIES, deliveries }
  local fields = entry and entry[2] or {}
  for i = 1, math.min(#fields, 200) do copy[#copy + 1] = fields[i] end
  redis.call('XADD', dead, '*', unpack(copy))
  redis.call('XACK', stream, group, id)
  report.dead_lettered = report.dead_lettered + 1
end

for _, e in ipairs(completed) do
  local id, order_id, order = e[1], e[2], e[3]
  if type_of(order) ~= 'hash' then
    cannot_apply(OC, INVENTORY, OC_DEAD, id, UNKNOWN_ORDER)
  else
    local o = redis.call('HMGET', order, O_STOCK, O_PRODUCT_ID, O_QUANTITY, O_PRICE, O_FEE, O_TOTAL)
    local product_id, quantity = o[2], tonumber(o[3])
    -- An order placed with a reservation holds its units; older orders hold nothing.
    local holds = o[1] == RESERVED
    if o[1] and not holds then
      report.duplicates = report.duplicates + 1
      redis.call('XACK', OC, INVENTORY, id)
    elseif not product_id or not quantity then
      cannot_apply(OC, INVENTORY, OC_DEAD, id, DAMAGED_ORDER)
    else
      local product = product_prefix .. product_id
      local kind = type_of(product)
      local stock = kind == 'hash' and tonumber(redis.call('HGET', product, P_QUANTITY)) or nil
      if kind ~= 'none' and not stock then
        cannot_apply(OC, INVENTORY, OC_DEAD, id, DAMAGED_PRODUCT)
      elseif kind == 'none' or stock < quantity then
        local reason = kind == 'none' and PRODUCT_DELETED or INSUFFICIENT_STOCK
        -- The event first: if the marker failed after it, the retry is a harmless duplicate refund.
        redis.call('XADD', RO, '*', E_ORDER_ID, order_id, E_PRODUCT_ID, product_id, E_PRICE, o[4] or '',
          E_FEE, o[5] or '', E_TOTAL, o[6] or '', E_QUANTITY, o[3], E_STATUS, COMPLETED, E_REFUND_REASON, reason)
        redis.call('HSET', order, O_STOCK, REFUND_REQUESTED)
        if holds then release(product, P_RESERVED, quantity) end
        redis.call('XACK', OC, INVENTORY, id)
        report.refund_requests = report.refund_requests + 1
      else
        -- The marker first: a failure after it loses a decrement (visible), never doubles one.
        -- The reservation becomes the decrement: on hand and reserved both go down.
        redis.call('HSET', order, O_STOCK, TAKEN)
        redis.call('HINCRBY', product, P_QUANTITY, -quantity)
        if holds then release(product, P_RESERVED, quantity) end
        redis.call('XACK', OC, INVENTORY, id)
        report.applied = report.applied + 1
      end
    end
  end
end

for _, e in ipairs(refunds) do
  local id, reason, order = e[1], e[2], e[3]
  if type_of(order) ~= 'hash' then
    cannot_apply(RO, PAYMENT, RO_DEAD, id, UNKNOWN_ORDER)
  else
    local o = redis.call('HMGET', order, O_STATUS, O_STOCK)
    if o[1] == REFUNDED then
      report.duplicates = report.duplicates + 1
      redis.call('XACK', RO, PAYMENT, id)
    elseif o[2] ~= REFUND_REQUESTED then
      -- Only the inventory side asks for refunds; a refund for an order whose stock was taken
      -- (or never looked at) is not applied.
      cannot_apply(RO, PAYMENT, RO_DEAD, id, REFUND_NOT_REQUESTED)
    else
      redis.call('HSET', order, O_STATUS, REFUNDED, O_REFUND_REASON, reason, O_UPDATED_AT, now)
      redis.call('XACK', RO, PAYMENT, id)
      report.refunded = report.refunded + 1
    end
  end
end

for _, e in ipairs(bad_completed) do cannot_apply(OC, INVENTORY, OC_DEAD, e[1], MALFORMED) end
for _, e in ipairs(bad_refunds) do cannot_apply(RO, PAYMENT, RO_DEAD, e[1], MALFORMED) end

-- Keep the oldest entry still pending and everything after it; with nothing pending, keep what
-- the group has not been given yet.
local function trim(stream, group)
  local summary = redis.call('XPENDING', stream, group)
  local floor = nil
  if summary[1] > 0 then
    floor = summary[2]
  else
    for _, info in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
      local g = {}
      for i = 1, #info, 2 do g[info[i]] = info[i + 1] end
      if g['name'] == group then
        local last = g['last-delivered-id']
        local ms, seq = string.match(last, '^(%d+)-(%d+)$')
        if ms and #seq <= 15 then
          floor = ms .. '-' .. string.format('%d', tonumber(seq) + 1)
        else
          floor = last -- keeps one acknowledged entry: harmless
        end
      end
    end
  end
  if floor then redis.call('XTRIM', stream, 'MINID', floor) end
end
trim(OC, INVENTORY)
trim(RO, PAYMENT)

return { report.applied, report.refund_requests, report.refunded, report.duplicates, report.dead_lettered, report.held }
