//! The decoded result of one command: RESP2 semantics over JSON (doc §5).

use crate::Error;

/// One Redis reply. Strings are bytes (base64-decoded by the client); maps arrive as flat arrays.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    #[default]
    Null,
    Int(i64),
    Bytes(Vec<u8>),
    Array(Vec<Value>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The string, if this is a bulk string holding valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    pub fn into_array(self) -> Option<Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// An integer, also when Redis sent it as a string.
    pub fn to_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bytes(_) => self.as_str()?.parse().ok(),
            _ => None,
        }
    }

    /// True for the status reply "OK".
    pub fn is_ok(&self) -> bool {
        self.as_bytes() == Some(b"OK")
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Bytes(s.as_bytes().to_vec())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Bytes(s.into_bytes())
    }
}

impl From<Vec<u8>> for Value {
    fn from(b: Vec<u8>) -> Self {
        Value::Bytes(b)
    }
}

impl From<&[u8]> for Value {
    fn from(b: &[u8]) -> Self {
        Value::Bytes(b.to_vec())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

fn mismatch(want: &str, got: &Value) -> Error {
    Error::decode(format!("expected {want}, got {got:?}"))
}

impl TryFrom<Value> for i64 {
    type Error = Error;
    fn try_from(v: Value) -> Result<Self, Error> {
        v.to_i64().ok_or_else(|| mismatch("an integer", &v))
    }
}

/// The payload of one variant, or a decode error naming what was expected.
macro_rules! try_from_variant {
    ($target:ty, $variant:ident, $want:literal) => {
        impl TryFrom<Value> for $target {
            type Error = Error;
            fn try_from(v: Value) -> Result<Self, Error> {
                match v {
                    Value::$variant(payload) => Ok(payload),
                    other => Err(mismatch($want, &other)),
                }
            }
        }
    };
}

try_from_variant!(Vec<u8>, Bytes, "a string");
try_from_variant!(Vec<Value>, Array, "an array");

impl TryFrom<Value> for String {
    type Error = Error;
    fn try_from(v: Value) -> Result<Self, Error> {
        String::from_utf8(Vec::<u8>::try_from(v)?).map_err(|e| Error::decode(format!("not UTF-8: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let v = Value::from("héllo");
        assert_eq!(v.as_str(), Some("héllo"));
        assert_eq!(v.as_int(), None);
        assert_eq!(Value::from("42").to_i64(), Some(42));
        assert_eq!(Value::Bytes(vec![0xff]).as_str(), None);
        assert!(Value::from("OK").is_ok());
        assert!(Value::from(None::<i64>).is_null());
        assert_eq!(Value::from(vec![1i64, 2]).as_array().map(<[Value]>::len), Some(2));
    }

    #[test]
    fn conversions() {
        assert_eq!(i64::try_from(Value::Int(7)), Ok(7));
        assert_eq!(String::try_from(Value::from("x")), Ok("x".to_string()));
        assert!(matches!(
            String::try_from(Value::Bytes(vec![0xff])),
            Err(Error::Decode(_))
        ));
        assert!(matches!(Vec::<u8>::try_from(Value::Null), Err(Error::Decode(_))));
        assert_eq!(Value::from("a").into_bytes(), Some(b"a".to_vec()));
    }
}
