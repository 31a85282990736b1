//! Redis replies (RESP2) to Upstash JSON, with the `Upstash-Encoding: base64` rules of §4.1:
//! every string is base64 except a top-level "OK"; integers and nulls are left alone.

use base64::{engine::general_purpose::STANDARD, Engine};
use redis::Value;
use serde_json::{json, Value as Json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Base64,
    Utf8,
}

/// The text Upstash shows for a Redis error: `ERR wrong number of arguments …`.
pub fn error_text(err: &redis::ServerError) -> String {
    match err.details() {
        Some(details) => format!("{} {}", err.code(), details),
        None => err.code().to_owned(),
    }
}

/// `{"result": …}` or `{"error": …}` (never both) for one command's reply.
pub fn entry(value: &Value, enc: Encoding) -> Json {
    match value {
        Value::ServerError(e) => json!({ "error": error_text(e) }),
        other => json!({ "result": encode(other, enc, true) }),
    }
}

pub fn encode(value: &Value, enc: Encoding, top: bool) -> Json {
    let string = |bytes: &[u8]| match enc {
        Encoding::Base64 => Json::String(STANDARD.encode(bytes)),
        Encoding::Utf8 => Json::String(String::from_utf8_lossy(bytes).into_owned()),
    };
    match value {
        Value::Nil => Json::Null,
        Value::Int(i) => json!(i),
        Value::Okay if top => Json::String("OK".into()),
        Value::Okay => string(b"OK"),
        Value::BulkString(b) => string(b),
        Value::SimpleString(s) => string(s.as_bytes()),
        Value::Array(items) | Value::Set(items) | Value::Push { data: items, .. } => {
            Json::Array(items.iter().map(|v| encode(v, enc, false)).collect())
        }
        Value::Map(pairs) => Json::Array(
            pairs
                .iter()
                .flat_map(|(k, v)| [encode(k, enc, false), encode(v, enc, false)])
                .collect(),
        ),
        Value::Attribute { data, .. } => encode(data, enc, top),
        Value::Double(d) => string(d.to_string().as_bytes()),
        Value::Boolean(b) => json!(i64::from(*b)),
        Value::VerbatimString { text, .. } => string(text.as_bytes()),
        Value::BigNumber(n) => string(n),
        // An error nested in an array (a Lua table holding an error reply): its text.
        Value::ServerError(e) => string(error_text(e).as_bytes()),
        // RESP3-only shapes cannot come over our RESP2 connections.
        _ => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_is_raw_only_at_top_level() {
        assert_eq!(encode(&Value::Okay, Encoding::Base64, true), json!("OK"));
        let arr = Value::Array(vec![
            Value::Okay,
            Value::BulkString(b"hi".to_vec()),
            Value::Int(3),
            Value::Nil,
        ]);
        assert_eq!(
            encode(&arr, Encoding::Base64, true),
            json!(["T0s=", "aGk=", 3, null])
        );
    }

    #[test]
    fn utf8_mode_is_lossy_text() {
        let v = Value::BulkString(vec![b'a', 0xff]);
        assert_eq!(encode(&v, Encoding::Utf8, true), json!("a\u{fffd}"));
    }

    #[test]
    fn simple_strings_other_than_ok_are_encoded() {
        let v = Value::SimpleString("PONG".into());
        assert_eq!(encode(&v, Encoding::Base64, true), json!("UE9ORw=="));
    }
}
