//! Request bodies: JSON only, at most 64 KiB, parsed before any field is looked at.

use serde_json::Value;

use crate::ApiError;

pub const MAX_BODY: usize = 64 * 1024;

/// `application/json`, with or without parameters such as `charset=utf-8`.
pub fn check_content_type(content_type: Option<&str>) -> Result<(), ApiError> {
    let essence = content_type.unwrap_or("").split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType)
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
    serde_json::from_slice(bytes).map_err(|e| ApiError::BadJson(e.to_string()))
}

/// Reads and parses the body of a worker request.
pub async fn read_json(req: &mut worker::Request) -> Result<Value, ApiError> {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    check_declared_length(header("Content-Length").as_deref())?;
    check_content_type(header("Content-Type").as_deref())?;
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
