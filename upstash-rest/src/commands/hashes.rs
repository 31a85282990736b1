//! HSET, HGET, HGETALL, HMGET, HINCRBY, HDEL.

use std::collections::HashMap;

use crate::replies;
use crate::{Command, ToArg, TypedCommand};

/// Decodes to the number of fields that were new.
pub fn hset<F: ToArg, V: ToArg>(
    key: impl ToArg,
    fields: impl IntoIterator<Item = (F, V)>,
) -> TypedCommand<u64> {
    let c = fields
        .into_iter()
        .fold(Command::new("HSET").arg(key), |c, (f, v)| c.arg(f).arg(v));
    TypedCommand::new(c, replies::count)
}

pub fn hget(key: impl ToArg, field: impl ToArg) -> TypedCommand<Option<Vec<u8>>> {
    TypedCommand::new(Command::new("HGET").arg(key).arg(field), replies::opt_bytes)
}

/// Decodes to a field → value map (empty for a missing key). Field names must be UTF-8.
pub fn hgetall(key: impl ToArg) -> TypedCommand<HashMap<String, Vec<u8>>> {
    TypedCommand::new(Command::new("HGETALL").arg(key), replies::string_map)
}

/// Decodes to one value per requested field, in order.
pub fn hmget(
    key: impl ToArg,
    fields: impl IntoIterator<Item = impl ToArg>,
) -> TypedCommand<Vec<Option<Vec<u8>>>> {
    TypedCommand::new(
        Command::new("HMGET").arg(key).args(fields),
        replies::list_of_opt_bytes,
    )
}

pub fn hincrby(key: impl ToArg, field: impl ToArg, by: i64) -> TypedCommand<i64> {
    TypedCommand::new(Command::new("HINCRBY").arg(key).arg(field).arg(by), replies::int)
}

/// Decodes to the number of fields removed.
pub fn hdel(key: impl ToArg, fields: impl IntoIterator<Item = impl ToArg>) -> TypedCommand<u64> {
    TypedCommand::new(Command::new("HDEL").arg(key).args(fields), replies::count)
}

client_methods! {
    hset<F: ToArg, V: ToArg>(key: impl ToArg, fields: impl IntoIterator<Item = (F, V)>) -> u64;
    hget(key: impl ToArg, field: impl ToArg) -> Option<Vec<u8>>;
    hgetall(key: impl ToArg) -> HashMap<String, Vec<u8>>;
    hmget(key: impl ToArg, fields: impl IntoIterator<Item = impl ToArg>) -> Vec<Option<Vec<u8>>>;
    hincrby(key: impl ToArg, field: impl ToArg, by: i64) -> i64;
    hdel(key: impl ToArg, fields: impl IntoIterator<Item = impl ToArg>) -> u64;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::wire;
    use crate::{Error, Value};

    #[test]
    fn wire_format() {
        assert_eq!(
            wire(hset("h", [("a", "1"), ("b", "2")]).command()),
            r#"["HSET","h","a","1","b","2"]"#
        );
        assert_eq!(wire(hmget("h", ["a", "b"]).command()), r#"["HMGET","h","a","b"]"#);
        assert_eq!(wire(hincrby("h", "n", 3).command()), r#"["HINCRBY","h","n","3"]"#);
        assert_eq!(wire(hdel("h", ["a"]).command()), r#"["HDEL","h","a"]"#);
    }

    #[test]
    fn replies() {
        let all = hgetall("h")
            .decode(Ok(Value::from(vec!["a", "1", "b", "2"])))
            .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all["a"], b"1");
        assert!(hgetall("h").decode(Ok(Value::Array(vec![]))).unwrap().is_empty());
        assert!(matches!(
            hgetall("h").decode(Ok(Value::from(vec!["a"]))),
            Err(Error::Decode(_))
        ));
        let got = hmget("h", ["a", "x"]).decode(Ok(Value::Array(vec!["1".into(), Value::Null])));
        assert_eq!(got, Ok(vec![Some(b"1".to_vec()), None]));
        assert_eq!(hget("h", "a").decode(Ok(Value::Null)), Ok(None));
        assert_eq!(hset("h", [("a", "1")]).decode(Ok(Value::Int(1))), Ok(1));
    }
}
