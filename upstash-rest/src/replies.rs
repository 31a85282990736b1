//! Small strict decoders shared by the typed helpers: a wrong shape is a `Decode` error.

use crate::{Error, Value};

/// The reply as it is (a script's).
pub(crate) fn any(reply: Result<Value, Error>) -> Result<Value, Error> {
    reply
}

/// "OK" → (); anything else is unexpected.
pub(crate) fn ok(reply: Result<Value, Error>) -> Result<(), Error> {
    match reply? {
        v if v.is_ok() => Ok(()),
        other => Err(Error::decode(format!("expected OK, got {other:?}"))),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_shapes() {
        assert_eq!(ok(Ok("OK".into())), Ok(()));
        assert!(matches!(ok(Ok(Value::Int(1))), Err(Error::Decode(_))));
        assert!(matches!(pairs(vec![Value::Null]), Err(Error::Decode(_))));
        assert_eq!(
            pairs(vec!["a".into(), Value::Int(1)]),
            Ok(vec![(Value::from("a"), Value::Int(1))])
        );
    }

    #[test]
    fn errors_pass_through() {
        let e = Error::Redis("WRONGTYPE".into());
        assert_eq!(ok(Err(e.clone())), Err(e.clone()));
        assert_eq!(any(Err(e.clone())), Err(e));
    }
}
