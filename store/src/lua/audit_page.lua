-- One page of the books audit: the items of an index after a cursor, each checked on its own,
-- within a bound, so that no page holds Upstash's global lock for long however big the shop.
-- Read-only (EVAL_RO); a global lock for one page, since the ids come from the index.
--
-- Products (the catalogue): each product's ledger is read as a
-- chain (each entry's quantity_after = the previous one's + its change; a ledger that still
-- starts with `created` starts from 0, a trimmed one from its oldest kept entry's
-- quantity_after) and its newest quantity_after is compared with on hand, read in the same
-- script. A long ledger is continued on the next page from the entry and the running count
-- where this page stopped (if the stream was trimmed past that entry meanwhile, the chain starts
-- again from its oldest kept entry).
-- Orders (the history): each order's status and stock: a refunded or cancelled order holding its
-- reservation, a completed one still holding it past the lag alert, a pending one missing from
-- the pending set (nothing would ever complete it), an order without a status.
--
--   KEYS[1] the index (the catalogue, or the history); KEYS[2] the pending set (orders only)
--   ARGV[1] what is walked: N.A_ORDERS for the history, else the catalogue; ARGV[2] the prefix of
--   the items' keys; ARGV[3] the prefix of ledger keys (products) or now (orders, ms);
--   ARGV[4], ARGV[5] the cursor: the score and id of the item the last page ended at ('' for the
--   first page); ARGV[6] (products) the last entry read of that product's ledger, '' when it was
--   done; ARGV[7] (products) the quantity_after of that entry; ARGV[8] items per page;
--   ARGV[9] ledger entries per page (products) or the lag alert (orders, ms)
-- Returns { more (1 if the index may go on), score, id, entry, running (the cursor to resume
-- at), items done, ledger entries read, problems } with problems a flat list of (kind, product
-- id, order id, expected, found). Crash ordering: it writes nothing.
local index, pending = KEYS[1], KEYS[2]
local orders = ARGV[1] == N.A_ORDERS
local prefix, other = ARGV[2], ARGV[3]
local cursor_score, cursor_id, resume_entry = ARGV[4], ARGV[5], ARGV[6]
local resume_running = tonumber(ARGV[7])
local per_page, bound = tonumber(ARGV[8]), tonumber(ARGV[9])
local problems, read, done = {}, 0, 0

local function problem(kind, product, order, expected, found)
  for _, v in ipairs({ kind, product or '', order or '', expected, found }) do
    problems[#problems + 1] = v
  end
end

-- Whether stream id `a` comes before `b`.
local function before(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end

-- A product, from the start of its ledger or from entry `from` (count `running` there). Returns
-- true when done, else the entry it stopped at and the running count.
local function check_product(id, from, running)
  local key, ledger = prefix .. id, other .. id
  local kind = redis.call('TYPE', key)['ok']
  -- An index entry without its hash (a deletion that died halfway) is skipped, as pages do.
  if kind == 'none' then return true end
  if from then
    local oldest = redis.call('XRANGE', ledger, '-', '+', 'COUNT', 1)[1]
    if not oldest or before(from, oldest[1]) then from, running = nil, nil end
  end
  local entries = redis.call('XRANGE', ledger, from and ('(' .. from) or '-', '+', 'COUNT', bound - read)
  read = read + #entries
  if not from and #entries == 0 then
    problem(N.A_LEDGER_MISSING, id, nil, 'a ledger', 'none')
    return true
  end
  local broken = false
  for _, e in ipairs(entries) do
    local f = fields_of(e[2])
    local change, after = tonumber(f[N.LG_CHANGE]), tonumber(f[N.LG_AFTER])
    local want = after
    if running then
      want = running + (change or 0)
    elseif f[N.LG_REASON] == N.LR_CREATED then
      want = change
    end
    if after ~= want and not broken then
      -- The first break of a product's chain: what follows is read from the entry as written.
      broken = true
      problem(N.A_LEDGER_CHAIN, id, nil, want or '', f[N.LG_AFTER] or '')
    end
    running = after or want
    from = e[1]
  end
  if read >= bound then return false, from, running end
  local on_hand = kind == 'hash' and tonumber(redis.call('HGET', key, N.P_QUANTITY)) or nil
  if not on_hand then
    problem(N.A_DAMAGED_PRODUCT, id, nil, 'a numeric quantity', kind)
  elseif running ~= on_hand then
    problem(N.A_ON_HAND_MISMATCH, id, nil, running or '', on_hand)
  end
  return true
end

local now, lag = tonumber(other), bound
local function check_order(id)
  local key = prefix .. id
  if redis.call('TYPE', key)['ok'] ~= 'hash' then return true end
  local o = redis.call('HMGET', key, N.O_STATUS, N.O_STOCK, N.O_UPDATED_AT)
  local status, stock, updated = o[1], o[2], tonumber(o[3]) or 0
  if not status then
    problem(N.A_DAMAGED_ORDER, nil, id, 'a status', 'none')
  elseif (status == N.REFUNDED or status == N.CANCELLED) and stock == N.S_RESERVED then
    problem(N.A_RELEASED_HOLDING, nil, id, N.S_RELEASED, stock)
  elseif status == N.COMPLETED and stock == N.S_RESERVED and now - updated > lag then
    problem(N.A_COMPLETED_HOLDING, nil, id, N.S_TAKEN, stock)
  elseif status == N.PENDING and not redis.call('ZSCORE', pending, id) then
    problem(N.A_PENDING_UNSCHEDULED, nil, id, 'a due time', 'none')
  end
  return true
end

local has_cursor = cursor_score ~= ''
local at = tonumber(cursor_score)
local resume = resume_entry ~= '' and resume_entry or nil
local offset = 0
while true do
  local batch = redis.call('ZRANGE', index, has_cursor and cursor_score or '-inf', '+inf', 'BYSCORE',
    'LIMIT', offset, per_page + 1, 'WITHSCORES')
  for i = 1, #batch, 2 do
    local id, score = batch[i], batch[i + 1]
    local at_cursor = has_cursor and tonumber(score) == at
    -- Before the cursor, or the cursor's own item when it was done: the last page had it.
    local seen = at_cursor and (id < cursor_id or (id == cursor_id and not resume))
    if not seen then
      local finished, entry, running
      if orders then
        finished = check_order(id)
      elseif at_cursor and id == cursor_id then
        finished, entry, running = check_product(id, resume, resume_running)
      else
        finished, entry, running = check_product(id, nil, nil)
      end
      if not finished then
        return { 1, score, id, entry, running, done, read, problems }
      end
      done = done + 1
      if done >= per_page or (not orders and read >= bound) then
        return { 1, score, id, '', '', done, read, problems }
      end
    end
  end
  if #batch < 2 * (per_page + 1) then return { 0, '', '', '', '', done, read, problems } end
  offset = offset + per_page + 1
end
