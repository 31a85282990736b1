//! Small strict decoders shared by the typed helpers: a wrong shape is a `Decode` error.

use std::collections::HashMap;

use crate::{Error, Value};

pub(crate) fn any(reply: Result<Value, Error>) -> Result<Value, Error> {
    reply
}

pub(crate) fn int(reply: Result<Value, Error>) -> Result<i64, Error> {
    i64::try_from(reply?)
}

pub(crate) fn count(reply: Result<Value, Error>) -> Result<u64, Error> {
    to_u64(&reply?)
}

pub(crate) fn to_u64(v: &Value) -> Result<u64, Error> {
    v.to_i64()
        .and_then(|i| u64::try_from(i).ok())
        .ok_or_else(|| Error::decode(format!("expected a non-negative integer, got {v:?}")))
}

/// 1 → true, 0 → false (EXPIRE, SISMEMBER...).
pub(crate) fn flag(reply: Result<Value, Error>) -> Result<bool, Error> {
    Ok(int(reply)? != 0)
}

/// "OK" → true, null → false (SET NX/XX not applied).
pub(crate) fn ok_or_null(reply: Result<Value, Error>) -> Result<bool, Error> {
    match reply? {
        Value::Null => Ok(false),
        v if v.is_ok() => Ok(true),
        other => Err(Error::decode(format!("expected OK or null, got {other:?}"))),
    }
}

/// "OK" → (); anything else is unexpected.
pub(crate) fn ok(reply: Result<Value, Error>) -> Result<(), Error> {
    match reply? {
        v if v.is_ok() => Ok(()),
        other => Err(Error::decode(format!("expected OK, got {other:?}"))),
    }
}

pub(crate) fn opt_bytes(reply: Result<Value, Error>) -> Result<Option<Vec<u8>>, Error> {
    match reply? {
        Value::Null => Ok(None),
        v => Vec::<u8>::try_from(v).map(Some),
    }
}

pub(crate) fn string(reply: Result<Value, Error>) -> Result<String, Error> {
    String::try_from(reply?)
}

pub(crate) fn array(reply: Result<Value, Error>) -> Result<Vec<Value>, Error> {
    Vec::<Value>::try_from(reply?)
}

pub(crate) fn list_of_bytes(reply: Result<Value, Error>) -> Result<Vec<Vec<u8>>, Error> {
    array(reply)?.into_iter().map(Vec::<u8>::try_from).collect()
}

pub(crate) fn list_of_opt_bytes(reply: Result<Value, Error>) -> Result<Vec<Option<Vec<u8>>>, Error> {
    array(reply)?.into_iter().map(|v| opt_bytes(Ok(v))).collect()
}

/// A flat `[k1, v1, k2, v2, ...]` array as pairs.
pub(crate) fn pairs(items: Vec<Value>) -> Result<Vec<(Value, Value)>, Error> {
    if !items.len().is_multiple_of(2) {
        return Err(Error::decode(format!(
            "expected key/value pairs, got {} items",
            items.len()
        )));
    }
    let mut it = items.into_iter();
    let mut out = Vec::new();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    Ok(out)
}

/// A flat key/value array as a map with text keys and byte values (HGETALL).
pub(crate) fn string_map(reply: Result<Value, Error>) -> Result<HashMap<String, Vec<u8>>, Error> {
    pairs(array(reply)?)?
        .into_iter()
        .map(|(k, v)| Ok((String::try_from(k)?, Vec::<u8>::try_from(v)?)))
        .collect()
}

/// A score ("1.5", "inf") or a nil.
pub(crate) fn opt_score(reply: Result<Value, Error>) -> Result<Option<f64>, Error> {
    match reply? {
        Value::Null => Ok(None),
        v => score(&v).map(Some),
    }
}

pub(crate) fn score(v: &Value) -> Result<f64, Error> {
    v.to_f64()
        .ok_or_else(|| Error::decode(format!("expected a score, got {v:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_shapes() {
        assert_eq!(count(Ok(Value::Int(3))), Ok(3));
        assert!(matches!(count(Ok(Value::Int(-1))), Err(Error::Decode(_))));
        assert_eq!(ok_or_null(Ok(Value::Null)), Ok(false));
        assert_eq!(ok_or_null(Ok("OK".into())), Ok(true));
        assert!(matches!(ok_or_null(Ok(Value::Int(1))), Err(Error::Decode(_))));
        assert_eq!(opt_bytes(Ok(Value::Null)), Ok(None));
        assert!(matches!(pairs(vec![Value::Null]), Err(Error::Decode(_))));
        let map = string_map(Ok(Value::from(vec!["a", "1", "b", "2"]))).unwrap();
        assert_eq!(map.get("b").map(Vec::as_slice), Some(&b"2"[..]));
        assert_eq!(opt_score(Ok("-inf".into())), Ok(Some(f64::NEG_INFINITY)));
        assert!(matches!(opt_score(Ok("x".into())), Err(Error::Decode(_))));
    }

    #[test]
    fn errors_pass_through() {
        let e = Error::Redis("WRONGTYPE".into());
        assert_eq!(int(Err(e.clone())), Err(e));
    }
}
