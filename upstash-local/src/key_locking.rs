//! Upstash's per-key locking for Lua scripts. A script whose shebang says
//! `#!lua flags=allow-key-locking` runs on Upstash holding the locks of its `KEYS` only, and may
//! touch no other key: Upstash rejects the call. Vanilla Redis refuses the unknown flag, so the
//! gateway rewrites such a script before Redis sees it: the flag leaves the shebang, and each
//! `redis.call`/`redis.pcall` first asks Redis which keys the command names (`COMMAND GETKEYS`)
//! and fails, naming the key, for any key not in `KEYS`. So a script that would be rejected on
//! Upstash fails here too, in every test.
//!
//! `EVALSHA` keeps working with the SHA the client computed from its own source: the gateway
//! remembers which script it stored for it. An `EVALSHA` it has not seen yet answers `NOSCRIPT`,
//! and the official clients then send the source with `EVAL`.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::Command;

/// The flag, as Upstash spells it.
pub const FLAG: &str = "allow-key-locking";

/// Runs before the script's own code (on its line 2, so its line numbers move by one). The
/// checked functions are locals: Redis 7 makes the `redis` table read-only.
const PRELUDE: &str = "local __kl_keys = {} for _, k in ipairs(KEYS) do __kl_keys[k] = true end \
local function __kl_check(...) local ok, keys = pcall(redis.call, 'COMMAND', 'GETKEYS', ...) \
if ok then for _, k in ipairs(keys) do if not __kl_keys[k] then error({err = 'ERR script \
accessed key \"' .. k .. '\" which is not in KEYS: a script flagged allow-key-locking may only \
touch the keys it declares'}) end end end end \
local function __kl_call(...) __kl_check(...) return redis.call(...) end \
local function __kl_pcall(...) local ok, e = pcall(__kl_check, ...) if not ok then \
return redis.error_reply(type(e) == 'table' and e.err or tostring(e)) end \
return redis.pcall(...) end\n";

/// The scripts rewritten so far: the client's SHA (of its source) → the SHA Redis stores.
#[derive(Default)]
pub struct Scripts {
    stored: Mutex<HashMap<String, String>>,
}

impl Scripts {
    /// The command as Redis must see it: a flagged script rewritten, an `EVALSHA` of one mapped.
    pub fn apply(&self, mut cmd: Command) -> Command {
        let name = cmd.name();
        if cmd.0.len() < 2 {
            return cmd;
        }
        match name.as_str() {
            "EVAL" | "EVAL_RO" => {
                if let Some(rewritten) = rewrite(&String::from_utf8_lossy(&cmd.0[1])) {
                    let client_sha = sha1_hex(&cmd.0[1]);
                    let stored_sha = sha1_hex(rewritten.as_bytes());
                    self.stored
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(client_sha, stored_sha);
                    cmd.0[1] = rewritten.into_bytes();
                }
            }
            "EVALSHA" | "EVALSHA_RO" => {
                let given = String::from_utf8_lossy(&cmd.0[1]).to_ascii_lowercase();
                let stored = self.stored.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(sha) = stored.get(&given) {
                    cmd.0[1] = sha.clone().into_bytes();
                }
            }
            _ => {}
        }
        cmd
    }
}

fn sha1_hex(bytes: &[u8]) -> String {
    sha1_smol::Sha1::from(bytes).digest().to_string()
}

/// The script Redis can run for a source flagged `allow-key-locking`; `None` for any other.
pub fn rewrite(source: &str) -> Option<String> {
    let (first, body) = source.split_once('\n').unwrap_or((source, ""));
    let flags = first.trim_end().strip_prefix("#!lua")?.trim();
    let flags: Vec<&str> = flags.strip_prefix("flags=")?.split(',').map(str::trim).collect();
    if !flags.contains(&FLAG) {
        return None;
    }
    let kept: Vec<&str> = flags
        .into_iter()
        .filter(|f| *f != FLAG && !f.is_empty())
        .collect();
    let shebang = if kept.is_empty() {
        "#!lua".to_owned()
    } else {
        format!("#!lua flags={}", kept.join(","))
    };
    Some(format!("{shebang}\n{PRELUDE}{}", checked_calls(body)))
}

/// `redis.call` and `redis.pcall` in the script's code, as names of the checked locals.
fn checked_calls(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("redis.") {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + "redis.".len()..];
        let part_of_a_name = before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let called = ["pcall", "call"].into_iter().find(|f| {
            after.starts_with(f) && !after[f.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        });
        out.push_str(&rest[..at]);
        match called {
            Some(f) if !part_of_a_name => {
                out.push_str(&format!("__kl_{f}"));
                rest = &after[f.len()..];
            }
            _ => {
                out.push_str("redis.");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_flagged_scripts_are_rewritten() {
        assert_eq!(rewrite("return redis.call('GET', KEYS[1])"), None);
        assert_eq!(rewrite("#!lua flags=no-writes\nreturn 1"), None);
        let script =
            rewrite("#!lua flags=allow-key-locking,no-writes\nreturn redis.call('GET', KEYS[1])").unwrap();
        assert!(
            script.starts_with("#!lua flags=no-writes\nlocal __kl_keys"),
            "{script}"
        );
        assert!(script.ends_with("return __kl_call('GET', KEYS[1])"), "{script}");
        let bare = rewrite("#!lua flags=allow-key-locking\nreturn 1").unwrap();
        assert!(bare.starts_with("#!lua\n"), "{bare}");
    }

    #[test]
    fn calls_are_checked_wherever_they_stand() {
        assert_eq!(
            checked_calls(
                "local c = redis.call\nlocal x = redis.pcall('GET', k) return redis.status_reply('OK')"
            ),
            "local c = __kl_call\nlocal x = __kl_pcall('GET', k) return redis.status_reply('OK')"
        );
        assert_eq!(
            checked_calls("myredis.call() redis.caller()"),
            "myredis.call() redis.caller()"
        );
    }

    #[test]
    fn evalsha_finds_the_stored_script() {
        let scripts = Scripts::default();
        let source = "#!lua flags=allow-key-locking\nreturn 1";
        let eval = Command(vec![b"EVAL".to_vec(), source.as_bytes().to_vec(), b"0".to_vec()]);
        let stored = scripts.apply(eval).0[1].clone();
        let evalsha = Command(vec![
            b"EVALSHA".to_vec(),
            sha1_hex(source.as_bytes()).into_bytes(),
            b"0".to_vec(),
        ]);
        assert_eq!(scripts.apply(evalsha).0[1], sha1_hex(&stored).into_bytes());
    }
}
