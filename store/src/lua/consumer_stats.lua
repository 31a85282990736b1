-- The consumer's backlog, read in one round trip (EVAL_RO: it only reads). For each stream: its
-- length, its dead letters, how many events its group has pending and the oldest of them, and the
-- oldest event not yet delivered to the group (the first after the group's last-delivered id).
--   KEYS[2i-1], KEYS[2i]  stream i and its dead-letter stream; KEYS[#KEYS] the record of the last run
--   ARGV[i]               the group of stream i; then the record's fields: when, duration, outcome
-- Returns, per stream, { length, dead letters, pending, oldest pending id or '', oldest undelivered
-- id or '' }, then the last run's { when (ms), duration (ms), outcome } (nil before the first run).
-- A stream or group that does not exist yet has nothing.
local out = {}
local streams = (#KEYS - 1) / 2
for i = 1, streams do
  local stream, dead, group = KEYS[2 * i - 1], KEYS[2 * i], ARGV[i]
  local length, dead_letters = redis.call('XLEN', stream), redis.call('XLEN', dead)
  local pending, oldest_pending, oldest_undelivered = 0, '', ''
  local ok, summary = pcall(redis.call, 'XPENDING', stream, group)
  if ok then
    pending, oldest_pending = summary[1], summary[2] or ''
  end
  local has_groups, groups = pcall(redis.call, 'XINFO', 'GROUPS', stream)
  if has_groups then
    for _, g in ipairs(groups) do
      local info = {}
      for j = 1, #g, 2 do info[g[j]] = g[j + 1] end
      if info['name'] == group then
        local next_one = redis.call('XRANGE', stream, '(' .. info['last-delivered-id'], '+', 'COUNT', 1)
        if next_one[1] then oldest_undelivered = next_one[1][1] end
      end
    end
  end
  out[#out + 1] = { length, dead_letters, pending, oldest_pending, oldest_undelivered }
end
out[#out + 1] = redis.call('HMGET', KEYS[#KEYS], ARGV[streams + 1], ARGV[streams + 2], ARGV[streams + 3])
return out
