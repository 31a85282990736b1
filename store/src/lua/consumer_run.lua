-- One run of the consumer, in one round trip: sweeps lost work, then reclaims, reads, applies and
-- acknowledges up to a batch of each stream, dead-letters what can never apply, applies the
-- refunds it has just requested, trims both streams and records the run. Global lock: the orders
-- and products come from the events and the sets inside the script.
--
-- Exactly once: an event is delivered (pending in its group), then applied and acknowledged in the
-- same script. Effects are recorded on the order (`stock`, `status`), so an event delivered twice,
-- reclaimed or replayed by hand changes the stock once; the order's own fields decide the effect,
-- not the event's. Redis does not roll a script back when it fails halfway, so: keys are
-- type-checked before use, and within an event the write that makes a retry harmless comes first;
-- a failure leaves the events it had not acknowledged pending, to be reclaimed after
-- RECLAIM_IDLE_MS.
--
--   KEYS[1..4]   order_completed, refund_order, and their dead-letter streams
--   KEYS[5]      the pending payments; KEYS[6] the holds; KEYS[7] the record of the last run;
--   KEYS[8]      the units reserved per product (hash)
--   ARGV[1..16]  completion.lua's names; ARGV[17..41] this script's, as unpacked below
--   ARGV[42..53] the consumer's name, the batch size, the reclaim idle time (ms), deliveries
--                before dead letter, now (ms), the sweeps' cutoff (ms) and limit, the prefixes of
--                product and order keys, the largest quantity, a test-only fault ('' for none),
--                and how long the run took before this call (ms)
-- Returns { more waiting (0/1), payments recovered, holds released, read, applied, refund
-- requests, refunded, duplicates, dead lettered, held, read errors }.
local INVENTORY, PAYMENT, O_STOCK, O_REFUND_REASON, P_QUANTITY, TAKEN, REFUND_REQUESTED,
  RESERVED, REFUNDED, PRODUCT_DELETED, INSUFFICIENT_STOCK, E_REFUND_REASON, D_SOURCE_ID, D_REASON,
  D_DELIVERIES, MALFORMED, UNKNOWN_ORDER, DAMAGED_ORDER, DAMAGED_PRODUCT, REFUND_NOT_REQUESTED,
  NOT_PAID, SEPARATOR, L_AT, L_DURATION, L_OUTCOME = unpack(ARGV, 17, 41)
local OC, RO, OC_DEAD, RO_DEAD, PENDING_SET, HOLDS, LAST_RUN, RESERVED_UNITS = unpack(KEYS, 1, 8)
local consumer, batch, reclaim_idle, max_deliveries, now = ARGV[42], tonumber(ARGV[43]), ARGV[44],
  tonumber(ARGV[45]), ARGV[46]
local cutoff, sweep_limit, product_prefix, order_prefix = ARGV[47], tonumber(ARGV[48]), ARGV[49], ARGV[50]
local quantity_max, fault, elapsed_before = tonumber(ARGV[51]), ARGV[52], tonumber(ARGV[53])

-- Redis's own clock (ms), for the run's duration; nil where TIME is not allowed in scripts.
local function clock()
  local ok, t = pcall(redis.call, 'TIME')
  if ok then return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
end
local started = clock()

local report = { more = 0, payments_recovered = 0, holds_released = 0, read = 0, applied = 0,
  refund_requests = 0, refunded = 0, duplicates = 0, dead_lettered = 0, held = 0, read_errors = 0 }

local function type_of(key) return redis.call('TYPE', key)['ok'] end

-- 1. Lost work, first, so that what it completes is applied in this same run: payments whose
-- background task died, and holds whose order was never stored (a member is
-- `<owner>:<product id>:<quantity>`, and the owner may contain the separator: the last two count).
for _, id in ipairs(redis.call('ZRANGEBYSCORE', PENDING_SET, '-inf', cutoff, 'LIMIT', 0, sweep_limit)) do
  report.payments_recovered = report.payments_recovered + complete_order(PENDING_SET, OC, order_prefix .. id, id, now)
end
for _, hold in ipairs(redis.call('ZRANGEBYSCORE', HOLDS, '-inf', cutoff, 'LIMIT', 0, sweep_limit)) do
  local before, last, at = nil, nil, 0
  while true do
    local found = string.find(hold, SEPARATOR, at + 1, true)
    if not found then break end
    before, last, at = last, found, found
  end
  local product_id = before and string.sub(hold, before + 1, last - 1)
  local quantity = last and tonumber(string.sub(hold, last + 1))
  if product_id and quantity then release(RESERVED_UNITS, product_id, quantity) end
  redis.call('ZREM', HOLDS, hold)
  report.holds_released = report.holds_released + 1
end

-- 2. Reading: what another run left pending past the idle time (reclaimed), then new events.
-- A group that does not exist yet is made from the start of its stream (MKSTREAM), so events
-- added before the first run are not skipped. Any other failure (Upstash's pending-entries limit,
-- say) is counted, and what was read is still applied, which is what brings the pending count down.
local function read(stream, group)
  local entries = {}
  local claimed = redis.pcall('XAUTOCLAIM', stream, group, consumer, reclaim_idle, '0-0', 'COUNT', batch)
  if claimed.err then
    if string.find(claimed.err, 'NOGROUP', 1, true) then
      redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
    else
      report.read_errors = report.read_errors + 1
    end
    claimed = { '0-0', {} }
  end
  for _, e in ipairs(claimed[2]) do
    -- Redis 6.2 hands back an entry deleted from the stream with no fields: nothing to apply.
    if e[2] then entries[#entries + 1] = e else redis.call('XACK', stream, group, e[1]) end
  end
  if #claimed[2] >= batch then report.more = 1 end
  local fresh = redis.pcall('XREADGROUP', 'GROUP', group, consumer, 'COUNT', batch, 'STREAMS', stream, '>')
  if type(fresh) == 'table' and fresh.err then
    report.read_errors = report.read_errors + 1
  elseif fresh then
    local got = fresh[1][2]
    for _, e in ipairs(got) do entries[#entries + 1] = e end
    if #got >= batch and redis.call('XRANGE', stream, '(' .. got[#got][1], '+', 'COUNT', 1)[1] then
      report.more = 1
    end
  end
  report.read = report.read + #entries
  return entries
end

local function fields_of(flat)
  local f = {}
  for i = 1, #flat, 2 do f[flat[i]] = flat[i + 1] end
  return f
end

-- An event that cannot apply stays pending (to be reclaimed and retried) until it has been
-- delivered max_deliveries times; then it moves, with its fields, to the dead-letter stream.
local function cannot_apply(stream, group, dead, id, why, fields)
  local pending = redis.call('XPENDING', stream, group, id, id, 1)[1]
  if not pending then return end
  local deliveries = pending[4]
  if deliveries < max_deliveries then
    report.held = report.held + 1
    return
  end
  local copy = { D_SOURCE_ID, id, D_REASON, why, D_DELIVERIES, deliveries }
  for i = 1, math.min(#fields, 200) do copy[#copy + 1] = fields[i] end
  redis.call('XADD', dead, '*', unpack(copy))
  redis.call('XACK', stream, group, id)
  report.dead_lettered = report.dead_lettered + 1
end

-- 3. order_completed: the reservation becomes the decrement, or a refund is requested.
local function take_stock(id, flat)
  local f = fields_of(flat)
  local order_id, quantity = f[E_ORDER_ID], tonumber(f[E_QUANTITY])
  if not order_id or order_id == '' or not f[E_PRODUCT_ID] or not quantity or quantity < 1
    or quantity > quantity_max or quantity ~= math.floor(quantity) then
    return cannot_apply(OC, INVENTORY, OC_DEAD, id, MALFORMED, flat)
  end
  local order = order_prefix .. order_id
  if type_of(order) ~= 'hash' then return cannot_apply(OC, INVENTORY, OC_DEAD, id, UNKNOWN_ORDER, flat) end
  local o = redis.call('HMGET', order, O_STOCK, O_PRODUCT_ID, O_QUANTITY, O_PRICE, O_FEE, O_TOTAL, O_STATUS)
  local product_id, ordered, status = o[2], tonumber(o[3]), o[7]
  -- An order placed with a reservation holds its units; older orders hold nothing.
  local holds = o[1] == RESERVED
  if not status then return cannot_apply(OC, INVENTORY, OC_DEAD, id, DAMAGED_ORDER, flat) end
  if (o[1] and not holds) or (status ~= COMPLETED and status ~= PENDING) then
    -- Done already, or cancelled or refunded: nothing to take.
    report.duplicates = report.duplicates + 1
    return redis.call('XACK', OC, INVENTORY, id)
  end
  if status == PENDING then
    -- An event ahead of its payment (replayed by hand, or a completion that failed halfway):
    -- only a paid order takes stock. It waits; the lost-payment sweep completes the order.
    return cannot_apply(OC, INVENTORY, OC_DEAD, id, NOT_PAID, flat)
  end
  if not product_id or not ordered then return cannot_apply(OC, INVENTORY, OC_DEAD, id, DAMAGED_ORDER, flat) end
  local product = product_prefix .. product_id
  local kind = type_of(product)
  local stock = kind == 'hash' and tonumber(redis.call('HGET', product, P_QUANTITY)) or nil
  local reserved = tonumber(redis.call('HGET', RESERVED_UNITS, product_id) or '0')
  if kind ~= 'none' and not (stock and reserved) then
    return cannot_apply(OC, INVENTORY, OC_DEAD, id, DAMAGED_PRODUCT, flat)
  end
  -- An order with a reservation has its units set aside; one without may only take what no
  -- reservation holds.
  local can_take = kind ~= 'none' and (holds and stock or stock - reserved)
  if kind == 'none' or can_take < ordered then
    local reason = kind == 'none' and PRODUCT_DELETED or INSUFFICIENT_STOCK
    -- The event first: if the marker failed after it, the retry is a harmless duplicate refund.
    redis.call('XADD', RO, '*', E_ORDER_ID, order_id, E_PRODUCT_ID, product_id, E_PRICE, o[4] or '',
      E_FEE, o[5] or '', E_TOTAL, o[6] or '', E_QUANTITY, o[3], E_STATUS, COMPLETED, E_REFUND_REASON, reason)
    redis.call('HSET', order, O_STOCK, REFUND_REQUESTED)
    if holds then release(RESERVED_UNITS, product_id, ordered) end
    redis.call('XACK', OC, INVENTORY, id)
    report.refund_requests = report.refund_requests + 1
    return
  end
  -- The marker first: a failure after it loses a decrement (visible), never doubles one.
  redis.call('HSET', order, O_STOCK, TAKEN)
  redis.call('HINCRBY', product, P_QUANTITY, -ordered)
  if holds then release(RESERVED_UNITS, product_id, ordered) end
  redis.call('XACK', OC, INVENTORY, id)
  report.applied = report.applied + 1
end

-- 4. refund_order: only the inventory side asks for refunds; a refund for an order whose stock
-- was taken (or never looked at) is not applied.
local function refund(id, flat)
  local f = fields_of(flat)
  local order_id, reason = f[E_ORDER_ID], f[E_REFUND_REASON]
  if not order_id or order_id == '' or (reason ~= PRODUCT_DELETED and reason ~= INSUFFICIENT_STOCK) then
    return cannot_apply(RO, PAYMENT, RO_DEAD, id, MALFORMED, flat)
  end
  local order = order_prefix .. order_id
  if type_of(order) ~= 'hash' then return cannot_apply(RO, PAYMENT, RO_DEAD, id, UNKNOWN_ORDER, flat) end
  local o = redis.call('HMGET', order, O_STATUS, O_STOCK)
  if o[1] == REFUNDED then
    report.duplicates = report.duplicates + 1
    return redis.call('XACK', RO, PAYMENT, id)
  end
  if o[2] ~= REFUND_REQUESTED then return cannot_apply(RO, PAYMENT, RO_DEAD, id, REFUND_NOT_REQUESTED, flat) end
  redis.call('HSET', order, O_STATUS, REFUNDED, O_REFUND_REASON, reason, O_UPDATED_AT, now)
  redis.call('XACK', RO, PAYMENT, id)
  report.refunded = report.refunded + 1
end

local completed = read(OC, INVENTORY)
if fault == 'crash_after_read' and #completed > 0 then
  -- Test-only: dies between reading and applying, as a worker evicted mid-run would.
  return redis.error_reply('fault injected: crash after read')
end
for _, e in ipairs(completed) do take_stock(e[1], e[2]) end
-- Read after the order_completed batch, so that the refunds it requested are applied now.
for _, e in ipairs(read(RO, PAYMENT)) do refund(e[1], e[2]) end

-- 5. Trimming: keep the oldest entry still pending and everything after it; with nothing
-- pending, keep what the group has not been given yet.
local function trim(stream, group)
  local summary = redis.call('XPENDING', stream, group)
  local floor = nil
  if summary[1] > 0 then
    floor = summary[2]
  else
    for _, info in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
      local g = fields_of(info)
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

-- 6. The record of the run, for /stats and /health: when, how long (the run so far plus this
-- script), and how it ended.
local finished = clock()
local duration = elapsed_before + ((started and finished) and (finished - started) or 0)
local outcome = 'ok'
if report.read_errors > 0 then outcome = 'read_errors' elseif report.more == 1 then outcome = 'more_waiting' end
redis.call('HSET', LAST_RUN, L_AT, now, L_DURATION, duration, L_OUTCOME, outcome)

return { report.more, report.payments_recovered, report.holds_released, report.read, report.applied,
  report.refund_requests, report.refunded, report.duplicates, report.dead_lettered, report.held,
  report.read_errors }
