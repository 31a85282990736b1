-- One run of the consumer, in one round trip: sweeps lost payments, then reclaims, reads, applies
-- and acknowledges up to a batch of each stream, dead-letters what can never apply, applies the
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
--   KEYS[1..4] order_completed, refund_order, and their dead-letter streams
--   KEYS[5]    the pending payments (by due time); KEYS[6] the record of the last run;
--   KEYS[7]    the units reserved per product (hash)
--   ARGV[1] the consumer's name; ARGV[2] the batch size; ARGV[3] the reclaim idle time (ms);
--   ARGV[4] deliveries before dead letter; ARGV[5] now (ms); ARGV[6] the sweep's cutoff (ms: a
--   payment due before it lost its task); ARGV[7] the sweep's limit; ARGV[8], ARGV[9] the prefixes
--   of product and order keys; ARGV[10] a test-only fault ('' for none: 'crash_after_read');
--   ARGV[11] how long the run took before this call (ms); ARGV[12] the prefix of ledger keys;
--   ARGV[13] the ledger's length kept
-- Returns { name, count, ... }: the counters named in store's schema::report.
local OC, RO, OC_DEAD, RO_DEAD, PENDING_SET, LAST_RUN, RESERVED = unpack(KEYS, 1, 7)
local consumer, batch, reclaim_idle, max_deliveries, now = ARGV[1], tonumber(ARGV[2]), ARGV[3],
  tonumber(ARGV[4]), ARGV[5]
local cutoff, sweep_limit, product_prefix, order_prefix = ARGV[6], tonumber(ARGV[7]), ARGV[8], ARGV[9]
local fault, elapsed_before, ledger_prefix, ledger_keep = ARGV[10], tonumber(ARGV[11]), ARGV[12], ARGV[13]

-- Redis's own clock (ms), for the run's duration; nil where TIME is not allowed in scripts.
local function clock()
  local ok, t = pcall(redis.call, 'TIME')
  if ok then return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
end
local started = clock()

local count = {}
for _, name in ipairs({ N.C_MORE, N.C_PAYMENTS_RECOVERED, N.C_READ, N.C_APPLIED, N.C_REFUND_REQUESTS,
  N.C_REFUNDED, N.C_DUPLICATES, N.C_DEAD_LETTERED, N.C_HELD, N.C_READ_ERRORS }) do
  count[name] = 0
end
local function add(name, n) count[name] = count[name] + (n or 1) end

local function type_of(key) return redis.call('TYPE', key)['ok'] end

-- 1. Lost payments, first, so that what it completes is applied in this same run: orders whose
-- payment was due before the cutoff and whose background task died.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', PENDING_SET, '-inf', cutoff, 'LIMIT', 0, sweep_limit)) do
  add(N.C_PAYMENTS_RECOVERED, complete_order(PENDING_SET, OC, order_prefix .. id, id, now))
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
      add(N.C_READ_ERRORS)
    end
    claimed = { '0-0', {} }
  end
  for _, e in ipairs(claimed[2]) do
    -- Redis 6.2 hands back an entry deleted from the stream with no fields: nothing to apply.
    if e[2] then entries[#entries + 1] = e else redis.call('XACK', stream, group, e[1]) end
  end
  if #claimed[2] >= batch then count[N.C_MORE] = 1 end
  local fresh = redis.pcall('XREADGROUP', 'GROUP', group, consumer, 'COUNT', batch, 'STREAMS', stream, '>')
  if type(fresh) == 'table' and fresh.err then
    add(N.C_READ_ERRORS)
  elseif fresh then
    local got = fresh[1][2]
    for _, e in ipairs(got) do entries[#entries + 1] = e end
    if #got >= batch and redis.call('XRANGE', stream, '(' .. got[#got][1], '+', 'COUNT', 1)[1] then
      count[N.C_MORE] = 1
    end
  end
  add(N.C_READ, #entries)
  return entries
end

-- An event that cannot apply stays pending (to be reclaimed and retried) until it has been
-- delivered max_deliveries times; then it moves, with its fields, to the dead-letter stream.
local function cannot_apply(stream, group, dead, id, why, fields)
  local pending = redis.call('XPENDING', stream, group, id, id, 1)[1]
  if not pending then return end
  local deliveries = pending[4]
  if deliveries < max_deliveries then
    add(N.C_HELD)
    return
  end
  local copy = { N.D_SOURCE_ID, id, N.D_REASON, why, N.D_DELIVERIES, deliveries }
  for i = 1, math.min(#fields, 200) do copy[#copy + 1] = fields[i] end
  redis.call('XADD', dead, '*', unpack(copy))
  redis.call('XACK', stream, group, id)
  add(N.C_DEAD_LETTERED)
end

-- 3. order_completed: every line's reservation becomes its decrement; or, if a product of the
-- order was deleted, every reservation is released and a refund requested (nothing taken).
local function take_stock(id, flat)
  local order_id = fields_of(flat)[N.E_ORDER_ID]
  local held = function(why) return cannot_apply(OC, N.INVENTORY_GROUP, OC_DEAD, id, why, flat) end
  if not order_id or order_id == '' then return held(N.MALFORMED) end
  local order = order_prefix .. order_id
  if type_of(order) ~= 'hash' then return held(N.UNKNOWN_ORDER) end
  local o = redis.call('HMGET', order, N.O_STATUS, N.O_STOCK)
  local status, stock = o[1], o[2]
  if not status then return held(N.DAMAGED_ORDER) end
  if stock ~= N.S_RESERVED or (status ~= N.COMPLETED and status ~= N.PENDING) then
    -- Done already, or cancelled or refunded: nothing to take.
    add(N.C_DUPLICATES)
    return redis.call('XACK', OC, N.INVENTORY_GROUP, id)
  end
  if status == N.PENDING then
    -- An event ahead of its payment (replayed by hand, or a completion that failed halfway):
    -- only a paid order takes stock. It waits; the lost-payment sweep completes the order.
    return held(N.NOT_PAID)
  end
  local lines = order_lines(order)
  if not lines then return held(N.DAMAGED_ORDER) end
  local deleted = false
  for _, l in ipairs(lines) do
    local product = product_prefix .. l.product_id
    local kind = type_of(product)
    if kind == 'none' then
      deleted = true
    else
      local on_hand = kind == 'hash' and tonumber(redis.call('HGET', product, N.P_QUANTITY)) or nil
      -- The line's units are reserved, so on hand covers them unless the books were broken.
      if not on_hand or on_hand < l.quantity then return held(N.DAMAGED_PRODUCT) end
    end
  end
  if deleted then
    -- The event first: if the marker failed after it, the retry is a harmless duplicate refund.
    local refund = event_fields(order, order_id, N.COMPLETED)
    refund[#refund + 1] = N.E_REFUND_REASON
    refund[#refund + 1] = N.PRODUCT_DELETED
    redis.call('XADD', RO, '*', unpack(refund))
    redis.call('HSET', order, N.O_STOCK, N.S_REFUND_REQUESTED)
    release_lines(RESERVED, lines)
    redis.call('XACK', OC, N.INVENTORY_GROUP, id)
    return add(N.C_REFUND_REQUESTS)
  end
  -- The marker first: a failure after it loses decrements (visible to the books audit), never
  -- doubles one. Each line's decrement, the product's version and its ledger entry follow one
  -- another (a failure between them leaves on hand unexplained by the ledger: the audit's
  -- on_hand_mismatch).
  redis.call('HSET', order, N.O_STOCK, N.S_TAKEN)
  for _, l in ipairs(lines) do
    local product = product_prefix .. l.product_id
    local after = redis.call('HINCRBY', product, N.P_QUANTITY, -l.quantity)
    redis.call('HINCRBY', product, N.P_VERSION, 1)
    ledger_add(ledger_prefix .. l.product_id, ledger_keep, now, -l.quantity, after, N.LR_ORDER,
      { N.LG_ORDER_ID, order_id })
  end
  release_lines(RESERVED, lines)
  redis.call('XACK', OC, N.INVENTORY_GROUP, id)
  add(N.C_APPLIED)
end

-- 4. refund_order: only the inventory side asks for refunds; a refund for an order whose stock
-- was taken (or never looked at) is not applied.
local function refund(id, flat)
  local f = fields_of(flat)
  local order_id, reason = f[N.E_ORDER_ID], f[N.E_REFUND_REASON]
  local held = function(why) return cannot_apply(RO, N.PAYMENT_GROUP, RO_DEAD, id, why, flat) end
  if not order_id or order_id == '' or reason ~= N.PRODUCT_DELETED then return held(N.MALFORMED) end
  local order = order_prefix .. order_id
  if type_of(order) ~= 'hash' then return held(N.UNKNOWN_ORDER) end
  local o = redis.call('HMGET', order, N.O_STATUS, N.O_STOCK)
  if o[1] == N.REFUNDED then
    add(N.C_DUPLICATES)
    return redis.call('XACK', RO, N.PAYMENT_GROUP, id)
  end
  if o[2] ~= N.S_REFUND_REQUESTED then return held(N.REFUND_NOT_REQUESTED) end
  redis.call('HSET', order, N.O_STATUS, N.REFUNDED, N.O_REFUND_REASON, reason, N.O_UPDATED_AT, now)
  redis.call('XACK', RO, N.PAYMENT_GROUP, id)
  add(N.C_REFUNDED)
end

local completed = read(OC, N.INVENTORY_GROUP)
if fault == 'crash_after_read' and #completed > 0 then
  -- Test-only: dies between reading and applying, as a worker evicted mid-run would.
  return redis.error_reply('fault injected: crash after read')
end
for _, e in ipairs(completed) do take_stock(e[1], e[2]) end
-- Read after the order_completed batch, so that the refunds it requested are applied now.
for _, e in ipairs(read(RO, N.PAYMENT_GROUP)) do refund(e[1], e[2]) end

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
trim(OC, N.INVENTORY_GROUP)
trim(RO, N.PAYMENT_GROUP)

-- 6. The record of the run, for /stats and /health: when, how long (the run so far plus this
-- script), and how it ended.
local finished = clock()
local duration = elapsed_before + ((started and finished) and (finished - started) or 0)
local outcome = N.OUTCOME_OK
if count[N.C_READ_ERRORS] > 0 then
  outcome = N.OUTCOME_READ_ERRORS
elseif count[N.C_MORE] == 1 then
  outcome = N.OUTCOME_MORE_WAITING
end
redis.call('HSET', LAST_RUN, N.L_AT, now, N.L_DURATION, duration, N.L_OUTCOME, outcome)

local out = {}
for name, n in pairs(count) do
  out[#out + 1] = name
  out[#out + 1] = n
end
return out
