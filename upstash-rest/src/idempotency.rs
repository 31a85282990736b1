//! Which commands are safe to send twice. A retry after an ambiguous failure (the first attempt
//! may have run) must not double-apply an effect, so only commands whose repeat leaves the same
//! state are listed. Unknown commands are treated as not idempotent.

/// Commands that never change data, grouped by family.
const READS: &str = "
    GET MGET STRLEN GETRANGE EXISTS TYPE TTL PTTL EXPIRETIME PEXPIRETIME KEYS SCAN DBSIZE RANDOMKEY
    PING ECHO TIME OBJECT MEMORY BITCOUNT GETBIT PFCOUNT
    HGET HMGET HGETALL HEXISTS HLEN HKEYS HVALS HSTRLEN HSCAN HRANDFIELD
    LLEN LRANGE LINDEX LPOS SCARD SMEMBERS SISMEMBER SMISMEMBER SSCAN SINTER SUNION SDIFF
    ZRANGE ZRANGEBYSCORE ZRANGEBYLEX ZREVRANGE ZREVRANGEBYSCORE ZREVRANGEBYLEX ZSCORE ZMSCORE ZCARD
    ZCOUNT ZLEXCOUNT ZRANK ZREVRANK ZSCAN
    XLEN XRANGE XREVRANGE XREAD XPENDING XINFO
    EVAL_RO EVALSHA_RO FCALL_RO
";

/// Writes whose repeat leaves the same state (the reply may differ, e.g. DEL's count).
const IDEMPOTENT_WRITES: &str = "
    DEL UNLINK EXPIRE PEXPIRE EXPIREAT PEXPIREAT PERSIST MSET SETBIT PFADD
    HSET HMSET HDEL SADD SREM ZREM ZREMRANGEBYSCORE ZREMRANGEBYRANK
    XACK XDEL XTRIM
";

/// Decides from the command words; `args[0]` is the name.
pub(crate) fn classify(args: &[Vec<u8>]) -> bool {
    let word = |i: usize| {
        args.get(i)
            .map(|a| String::from_utf8_lossy(a).to_ascii_uppercase())
    };
    let Some(name) = word(0) else { return false };
    let has = |flag: &str| {
        args.iter()
            .skip(1)
            .any(|a| a.eq_ignore_ascii_case(flag.as_bytes()))
    };
    match name.as_str() {
        // SET ... GET returns the old value; SET ... NX decides who holds a lock, and a retried
        // NX whose first attempt won would report the lock as taken.
        "SET" => !has("GET") && !has("NX"),
        "ZADD" => !has("INCR"),
        "SCRIPT" => matches!(word(1).as_deref(), Some("LOAD" | "EXISTS" | "FLUSH")),
        // A second CREATE answers BUSYGROUP, which the typed helper reads as "already exists".
        "XGROUP" => matches!(
            word(1).as_deref(),
            Some("CREATE" | "CREATECONSUMER" | "DESTROY" | "DELCONSUMER" | "SETID")
        ),
        // XADD *, XREADGROUP >, XAUTOCLAIM, XCLAIM, INCR*, EVAL... are not: each run changes more.
        n => READS
            .split_whitespace()
            .chain(IDEMPOTENT_WRITES.split_whitespace())
            .any(|c| c == n),
    }
}

#[cfg(test)]
mod tests {
    use super::classify;

    fn cmd(words: &str) -> Vec<Vec<u8>> {
        words.split(' ').map(|w| w.as_bytes().to_vec()).collect()
    }

    #[test]
    fn reads_and_idempotent_writes() {
        for c in [
            "get k",
            "HGETALL h",
            "MGET a b",
            "exists k",
            "TTL k",
            "ZRANGE z 0 -1",
            "ZSCORE z m",
            "XLEN s",
            "XRANGE s - +",
            "XPENDING s g",
            "XINFO GROUPS s",
            "PING",
            "SCRIPT EXISTS abc",
            "SET k v",
            "SET k v EX 10",
            "HSET h f v",
            "DEL k",
            "EXPIRE k 10",
            "ZADD z 1 m",
            "XACK s g 1-0",
            "XGROUP CREATE s g $ MKSTREAM",
            "script load return",
            "XTRIM s MAXLEN 10",
        ] {
            assert!(classify(&cmd(c)), "{c} should be idempotent");
        }
    }

    #[test]
    fn effects_that_accumulate() {
        for c in [
            "INCR k",
            "INCRBY k 2",
            "HINCRBY h f 1",
            "SET k v GET",
            "SET k v NX EX 10",
            "ZADD z INCR 1 m",
            "XADD s * f v",
            "XREADGROUP GROUP g c COUNT 1 STREAMS s >",
            "XAUTOCLAIM s g c 0 0-0",
            "EVAL x 0",
            "EVALSHA abc 0",
            "LPUSH l x",
            "SCRIPT KILL",
            "XGROUP",
            "UNKNOWNCMD",
            "",
        ] {
            assert!(!classify(&cmd(c)), "{c} should not be idempotent");
        }
        assert!(!classify(&[]));
    }
}
