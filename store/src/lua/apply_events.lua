-- Applies one batch of stream events and acknowledges exactly what it applied, atomically: after
-- a crash anywhere, each event is either applied and acknowledged, or untouched and pending.
-- Effects are idempotent per order (a field on the order records them), so an event delivered
-- twice, reclaimed or replayed by hand, changes the stock once. Then both streams are trimmed of
-- what their group has acknowledged.
--   KEYS: order_completed, refund_order, and their dead-letter streams
--   ARGV: key prefix, now (ms), deliveries before dead letter, then four sections, each a count
--         followed by its items:
--     order_completed decoded:   stream id, order id, product id, quantity
--     refund_order decoded:      stream id, order id, refund reason
--     order_completed malformed: stream id
--     refund_order malformed:    stream id
local OC, RO, OC_DEAD, RO_DEAD = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local INVENTORY, PAYMENT = 'inventory-group', 'payment-group'
local prefix, now, max_deliveries = ARGV[1], ARGV[2], tonumber(ARGV[3])

-- Read every argument before writing anything: a script that fails halfway keeps its writes.
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
local completed, refunds = section(4), section(3)
local bad_completed, bad_refunds = section(1), section(1)
for _, e in ipairs(completed) do
  e[4] = tonumber(e[4])
  if not e[4] then return redis.error_reply('ERR apply_events: quantity is not a number') end
end

local report = { applied = 0, refund_requests = 0, refunded = 0, duplicates = 0, dead_lettered = 0, held = 0 }

-- An event that cannot apply stays pending (to be reclaimed and retried) until it has been
-- delivered max_deliveries times; then it moves, fields and all, to the dead-letter stream.
local function cannot_apply(stream, group, dead, id, why)
  local pending = redis.call('XPENDING', stream, group, id, id, 1)[1]
  if not pending then return end
  local deliveries = pending[4]
  if deliveries >= max_deliveries then
    local entry = redis.call('XRANGE', stream, id, id)[1]
    local fields = entry and entry[2] or {}
    redis.call('XADD', dead, '*', 'dead_source_id', id, 'dead_reason', why, 'dead_deliveries', deliveries, unpack(fields))
    redis.call('XACK', stream, group, id)
    report.dead_lettered = report.dead_lettered + 1
  else
    report.held = report.held + 1
  end
end

for _, e in ipairs(completed) do
  local id, order_id, product_id, quantity = e[1], e[2], e[3], e[4]
  local order = prefix .. 'order:' .. order_id
  if redis.call('EXISTS', order) == 0 then
    cannot_apply(OC, INVENTORY, OC_DEAD, id, 'unknown_order')
  else
    if redis.call('HEXISTS', order, 'stock') == 1 then
      report.duplicates = report.duplicates + 1
    else
      local product = prefix .. 'product:' .. product_id
      local stock = redis.call('HGET', product, 'quantity')
      local reason = nil
      if not stock then
        reason = 'product_deleted'
      elseif tonumber(stock) < quantity then
        reason = 'insufficient_stock'
      end
      if reason then
        redis.call('HSET', order, 'stock', 'refund_requested')
        local o = redis.call('HMGET', order, 'price', 'fee', 'total')
        redis.call('XADD', RO, '*', 'pk', order_id, 'product_id', product_id, 'price', o[1], 'fee', o[2],
          'total', o[3], 'quantity', quantity, 'status', 'completed', 'refund_reason', reason)
        report.refund_requests = report.refund_requests + 1
      else
        redis.call('HINCRBY', product, 'quantity', -quantity)
        redis.call('HSET', order, 'stock', 'taken')
        report.applied = report.applied + 1
      end
    end
    redis.call('XACK', OC, INVENTORY, id)
  end
end

for _, e in ipairs(refunds) do
  local id, order_id, reason = e[1], e[2], e[3]
  local order = prefix .. 'order:' .. order_id
  if redis.call('EXISTS', order) == 0 then
    cannot_apply(RO, PAYMENT, RO_DEAD, id, 'unknown_order')
  else
    if redis.call('HGET', order, 'status') == 'refunded' then
      report.duplicates = report.duplicates + 1
    else
      redis.call('HSET', order, 'status', 'refunded', 'refund_reason', reason, 'updated_at', now)
      report.refunded = report.refunded + 1
    end
    redis.call('XACK', RO, PAYMENT, id)
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
        local ms, seq = string.match(g['last-delivered-id'], '^(%d+)-(%d+)$')
        if ms then floor = ms .. '-' .. (tonumber(seq) + 1) end
      end
    end
  end
  if floor then redis.call('XTRIM', stream, 'MINID', floor) end
end
trim(OC, INVENTORY)
trim(RO, PAYMENT)

return { report.applied, report.refund_requests, report.refunded, report.duplicates, report.dead_lettered, report.held }
