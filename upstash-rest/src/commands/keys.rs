//! DEL, EXISTS, EXPIRE, TTL: commands on keys of any type.

use crate::replies;
use crate::{Command, ToArg, TypedCommand};

/// Decodes to the number of keys removed.
pub fn del(keys: impl IntoIterator<Item = impl ToArg>) -> TypedCommand<u64> {
    TypedCommand::new(Command::new("DEL").args(keys), replies::count)
}

/// Decodes to how many of the keys exist (a key named twice counts twice).
pub fn exists(keys: impl IntoIterator<Item = impl ToArg>) -> TypedCommand<u64> {
    TypedCommand::new(Command::new("EXISTS").args(keys), replies::count)
}

/// Decodes to false if the key does not exist.
pub fn expire(key: impl ToArg, seconds: u64) -> TypedCommand<bool> {
    TypedCommand::new(Command::new("EXPIRE").arg(key).arg(seconds), replies::flag)
}

/// Seconds to live; -1 without expiry, -2 if the key does not exist.
pub fn ttl(key: impl ToArg) -> TypedCommand<i64> {
    TypedCommand::new(Command::new("TTL").arg(key), replies::int)
}

client_methods! {
    del(keys: impl IntoIterator<Item = impl ToArg>) -> u64;
    exists(keys: impl IntoIterator<Item = impl ToArg>) -> u64;
    expire(key: impl ToArg, seconds: u64) -> bool;
    ttl(key: impl ToArg) -> i64;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::wire;
    use crate::Value;

    #[test]
    fn wire_and_replies() {
        assert_eq!(wire(del(["a", "b"]).command()), r#"["DEL","a","b"]"#);
        assert_eq!(wire(exists(&["a".to_string()]).command()), r#"["EXISTS","a"]"#);
        assert_eq!(wire(expire("k", 60).command()), r#"["EXPIRE","k","60"]"#);
        assert_eq!(del(["a"]).decode(Ok(Value::Int(1))), Ok(1));
        assert_eq!(expire("k", 1).decode(Ok(Value::Int(0))), Ok(false));
        assert_eq!(ttl("k").decode(Ok(Value::Int(-2))), Ok(-2));
    }
}
