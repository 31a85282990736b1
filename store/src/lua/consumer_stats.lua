-- The consumer's backlog, read in one round trip (EVAL_RO: it only reads). For each stream: its
-- length, its dead letters, how many events its group has pending and the oldest of them, and the
-- oldest event not yet delivered to the group (the first after the group's last-delivered id).
--   KEYS[1], KEYS[2] order_completed and its dead letters; KEYS[3], KEYS[4] refund_order and its
--   dead letters; KEYS[5] the record of the last run
--   ARGV: none
-- Returns, per stream, { length, dead letters, pending, oldest pending id or '', oldest undelivered
-- id or '' }, then the last run's { when (ms), duration (ms), outcome } (nils before the first
-- run). A stream or group that does not exist yet has nothing.
local out = {}
for i, group in ipairs({ N.INVENTORY_GROUP, N.PAYMENT_GROUP }) do
  local stream, dead = KEYS[2 * i - 1], KEYS[2 * i]
  local length, dead_letters = redis.call('XLEN', stream), redis.call('XLEN', dead)
  local pending, oldest_pending, oldest_undelivered = 0, '', ''
  local ok, summary = pcall(redis.call, 'XPENDING', stream, group)
  if ok then
    pending, oldest_pending = summary[1], summary[2] or ''
  end
  local has_groups, groups = pcall(redis.call, 'XINFO', 'GROUPS', stream)
  if has_groups then
    for _, g in ipairs(groups) do
      local info = fields_of(g)
      if info['name'] == group then
        local next_one = redis.call('XRANGE', stream, '(' .. info['last-delivered-id'], '+', 'COUNT', 1)
        if next_one[1] then oldest_undelivered = next_one[1][1] end
      end
    end
  end
  out[#out + 1] = { length, dead_letters, pending, oldest_pending, oldest_undelivered }
end
out[#out + 1] = redis.call('HMGET', KEYS[5], N.L_AT, N.L_DURATION, N.L_OUTCOME)
return out
