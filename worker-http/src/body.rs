//! Request bodies: JSON only (UTF-8), uncompressed, at most 64 KiB, parsed before any field is
//! looked at; a key given twice in one object is refused rather than read as its last value.

use std::collections::HashSet;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::{ApiError, FieldError};

pub const MAX_BODY: usize = 64 * 1024;

/// `application/json`, with or without parameters; a declared charset must be UTF-8 (JSON's
/// only encoding, RFC 8259): a body sent as Latin-1 would be read wrong, not refused.
pub fn check_content_type(content_type: Option<&str>) -> Result<(), ApiError> {
    let mut parts = content_type.unwrap_or("").split(';');
    let essence = parts.next().unwrap_or("").trim();
    let charset_ok = parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            let value = value.trim().trim_matches('"');
            value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    });
    if essence.eq_ignore_ascii_case("application/json") && charset_ok {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType)
    }
}

/// A body comes as it is: `Content-Encoding` absent or `identity`. Any coding (gzip, br, …) is
/// refused with 415 naming it (RFC 9110 §15.5.16), rather than read as JSON bytes (a 400 that
/// misleads) or decoded: bodies are at most 64 KiB of JSON, no client of ours compresses them, and
/// decoding would bring a decompressor into every worker and a decoded-size limit to guard.
pub fn check_content_encoding(content_encoding: Option<&str>) -> Result<(), ApiError> {
    let coding = content_encoding
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .find(|c| !c.is_empty() && !c.eq_ignore_ascii_case("identity"));
    match coding {
        // At most 40 characters of it: the client's text, echoed.
        Some(coding) => Err(ApiError::UnsupportedEncoding(coding.chars().take(40).collect())),
        None => Ok(()),
    }
}

/// A declared `Content-Length` over the limit is refused before reading anything.
pub fn check_declared_length(content_length: Option<&str>) -> Result<(), ApiError> {
    match content_length.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(n) if n > MAX_BODY as u64 => Err(ApiError::PayloadTooLarge),
        _ => Ok(()),
    }
}

pub fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.len() > MAX_BODY {
        return Err(ApiError::PayloadTooLarge);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadJson("the body is empty".into()));
    }
    let value = serde_json::from_slice(bytes).map_err(|e| ApiError::BadJson(e.to_string()))?;
    if let Ok(DuplicateKey(Some(key))) = serde_json::from_slice(bytes) {
        return Err(ApiError::Invalid(FieldError::new(
            &key,
            format!("{key} is given more than once"),
        )));
    }
    Ok(value)
}

/// The first key found twice in one object of a JSON document, if any (serde_json keeps the last).
struct DuplicateKey(Option<String>);

impl<'de> Deserialize<'de> for DuplicateKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DuplicateKeyVisitor)
    }
}

struct DuplicateKeyVisitor;

impl<'de> Visitor<'de> for DuplicateKeyVisitor {
    type Value = DuplicateKey;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DuplicateKey, A::Error> {
        let mut seen = HashSet::new();
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            let DuplicateKey(inner) = map.next_value()?;
            if found.is_none() {
                found = if seen.insert(key.clone()) {
                    inner
                } else {
                    Some(key)
                };
            }
        }
        Ok(DuplicateKey(found))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DuplicateKey, A::Error> {
        let mut found = None;
        while let Some(DuplicateKey(inner)) = seq.next_element()? {
            found = found.or(inner);
        }
        Ok(DuplicateKey(found))
    }

    fn visit_bool<E>(self, _: bool) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
    fn visit_str<E>(self, _: &str) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
    fn visit_unit<E>(self) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
}

/// Reads and parses the body of a worker request.
pub async fn read_json(req: &mut worker::Request) -> Result<Value, ApiError> {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    check_declared_length(header("Content-Length").as_deref())?;
    check_content_type(header("Content-Type").as_deref())?;
    check_content_encoding(header("Content-Encoding").as_deref())?;
    let bytes = req
        .bytes()
        .await
        .map_err(|_| ApiError::BadJson("the body could not be read".into()))?;
    parse_json(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert!(check_content_type(Some("application/json")).is_ok());
        assert!(check_content_type(Some("Application/JSON; charset=utf-8")).is_ok());
        for bad in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("application/jsonx"),
        ] {
            assert_eq!(
                check_content_type(bad),
                Err(ApiError::UnsupportedMediaType),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_compressed_body_is_refused_naming_its_coding() {
        for ok in [None, Some(""), Some("identity"), Some("Identity, identity")] {
            assert_eq!(check_content_encoding(ok), Ok(()), "{ok:?}");
        }
        for (given, named) in [
            ("gzip", "gzip"),
            ("identity, br", "br"),
            (" deflate , gzip", "deflate"),
        ] {
            let refused = check_content_encoding(Some(given)).unwrap_err();
            assert_eq!(refused, ApiError::UnsupportedEncoding(named.into()), "{given}");
            assert_eq!(
                (refused.status(), refused.code()),
                (415, crate::error::ErrorCode::UnsupportedMediaType)
            );
            assert!(refused.message().contains(named));
        }
    }

    #[test]
    fn a_declared_charset_must_be_utf_8() {
        for ok in [
            "application/json; charset=utf-8",
            "application/json;charset=UTF-8",
            "application/json; charset=\"utf-8\"",
            "application/json; foo=bar",
        ] {
            assert!(check_content_type(Some(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "application/json; charset=latin1",
            "application/json; charset=utf-16",
        ] {
            assert_eq!(
                check_content_type(Some(bad)),
                Err(ApiError::UnsupportedMediaType),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_key_given_twice_is_refused_naming_it() {
        let field_of = |body: &str| match parse_json(body.as_bytes()) {
            Err(ApiError::Invalid(e)) => Some(e.field),
            _ => None,
        };
        assert_eq!(field_of(r#"{"price":1,"price":2}"#).as_deref(), Some("price"));
        assert_eq!(field_of(r#"{"a":{"b":1,"b":1}}"#).as_deref(), Some("b"));
        assert_eq!(
            field_of(r#"[{"x":1},{"x":2}]"#),
            None,
            "the same key in two objects is fine"
        );
        assert_eq!(field_of(r#"{"name":"a","price":1e-400,"quantity":"1"}"#), None);
        assert!(parse_json(br#"{"a":1,"b":[1,{"c":null}]}"#).is_ok());
    }

    #[test]
    fn sizes_and_syntax() {
        assert_eq!(
            check_declared_length(Some("70000")),
            Err(ApiError::PayloadTooLarge)
        );
        assert!(check_declared_length(Some("10")).is_ok());
        assert_eq!(
            parse_json(&vec![b' '; MAX_BODY + 1]),
            Err(ApiError::PayloadTooLarge)
        );
        assert!(matches!(parse_json(b"{\"name\": "), Err(ApiError::BadJson(_))));
        assert!(matches!(parse_json(b"  "), Err(ApiError::BadJson(_))));
        assert_eq!(parse_json(b"{\"a\":1}").unwrap()["a"], 1);
    }
}
