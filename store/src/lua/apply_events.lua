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
--   KEYS: order_completed, refund_order, and their dead-letter streams
--   ARGV: key prefix, now (ms), deliveries before dead letter, then four sections, each a count
--         followed by its items:
--     order_completed decoded:   stream id, order id
--     refund_order decoded:      stream id, order id, refund reason
--     order_completed malformed: stream id
--     refund_order malformed:    stream id
local OC, RO, OC_DEAD, RO_DEAD = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local INVENTORY, PAYMENT = 'inventory-group', 'payment-group'
local prefix, now, max_deliveries = ARGV[1], ARGV[2], tonumber(ARGV[3])

local at = 4
local function take() local v = ARGV[at]; at = at + 1; return v end
local function section(width)
  local items = {}
  for _ = 1, tonumber(take()) do
    local item = {}
    for w = 1, width do item[w] = take() end
    items[#items + 1] = item
  end
  return items
end
local completed, refunds = section(2), section(3)
local bad_completed, bad_refunds = section(1), section(1)

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
  local copy = { 'dead_source_id', id, 'dead_reason', why, 'dead_deliveries', deliveries }
  local fields = entry and entry[2] or {}
  for i = 1, math.min(#fields, 200) do copy[#copy + 1] = fields[i] end
  redis.call('XADD', dead, '*', unpack(copy))
  redis.call('XACK', stream, group, id)
  report.dead_lettered = report.dead_lettered + 1
end

for _, e in ipairs(completed) do
  local id, order_id = e[1], e[2]
  local order = prefix .. 'order:' .. order_id
  if type_of(order) ~= 'hash' then
    cannot_apply(OC, INVENTORY, OC_DEAD, id, 'unknown_order')
  else
    local o = redis.call('HMGET', order, 'stock', 'product_id', 'quantity', 'price', 'fee', 'total')
    local product_id, quantity = o[2], tonumber(o[3])
    if o[1] then
      report.duplicates = report.duplicates + 1
      redis.call('XACK', OC, INVENTORY, id)
    elseif not product_id or not quantity then
      cannot_apply(OC, INVENTORY, OC_DEAD, id, 'damaged_order')
    else
      local product = prefix .. 'product:' .. product_id
      local kind = type_of(product)
      local stock = kind == 'hash' and tonumber(redis.call('HGET', product, 'quantity')) or nil
      if kind ~= 'none' and not stock then
        cannot_apply(OC, INVENTORY, OC_DEAD, id, 'damaged_product')
      elseif kind == 'none' or stock < quantity then
        local reason = kind == 'none' and 'product_deleted' or 'insufficient_stock'
        -- The event first: if the marker failed after it, the retry is a harmless duplicate refund.
        redis.call('XADD', RO, '*', 'pk', order_id, 'product_id', product_id, 'price', o[4] or '',
          'fee', o[5] or '', 'total', o[6] or '', 'quantity', o[3], 'status', 'completed', 'refund_reason', reason)
        redis.call('HSET', order, 'stock', 'refund_requested')
        redis.call('XACK', OC, INVENTORY, id)
        report.refund_requests = report.refund_requests + 1
      else
        -- The marker first: a failure after it loses a decrement (visible), never doubles one.
        redis.call('HSET', order, 'stock', 'taken')
        redis.call('HINCRBY', product, 'quantity', -quantity)
        redis.call('XACK', OC, INVENTORY, id)
        report.applied = report.applied + 1
      end
    end
  end
end

for _, e in ipairs(refunds) do
  local id, order_id, reason = e[1], e[2], e[3]
  local order = prefix .. 'order:' .. order_id
  if type_of(order) ~= 'hash' then
    cannot_apply(RO, PAYMENT, RO_DEAD, id, 'unknown_order')
  else
    local o = redis.call('HMGET', order, 'status', 'stock')
    if o[1] == 'refunded' then
      report.duplicates = report.duplicates + 1
      redis.call('XACK', RO, PAYMENT, id)
    elseif o[2] ~= 'refund_requested' then
      -- Only the inventory side asks for refunds; a refund for an order whose stock was taken
      -- (or never looked at) is not applied.
      cannot_apply(RO, PAYMENT, RO_DEAD, id, 'refund_not_requested')
    else
      redis.call('HSET', order, 'status', 'refunded', 'refund_reason', reason, 'updated_at', now)
      redis.call('XACK', RO, PAYMENT, id)
      report.refunded = report.refunded + 1
    end
  end
end

for _, e in ipairs(bad_completed) do cannot_apply(OC, INVENTORY, OC_DEAD, e[1], 'malformed') end
for _, e in ipairs(bad_refunds) do cannot_apply(RO, PAYMENT, RO_DEAD, e[1], 'malformed') end

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
