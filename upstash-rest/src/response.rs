//! Turns HTTP responses into values or typed errors (doc §3, §4.2, §7.1).

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde_json::Value as Json;

use crate::transport::HttpResponse;
use crate::{Error, Value};

/// Standard alphabet; padding optional, to be lenient with other gateways.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How much of an unexpected body an error keeps.
const SNIPPET_CHARS: usize = 200;

/// The response to `POST /`: one value or one error.
pub(crate) fn single(resp: &HttpResponse) -> Result<Value, Error> {
    let json = checked_json(resp)?;
    entry(&json).unwrap_or_else(|| Err(Error::decode(format!("no result in {}", snippet(&resp.body)))))
}

/// The response to `/pipeline` or `/multi-exec`: one result per command, or one error for all
/// (e.g. EXECABORT on a 400).
pub(crate) fn entries(resp: &HttpResponse, expected: usize) -> Result<Vec<Result<Value, Error>>, Error> {
    let json = checked_json(resp)?;
    let Json::Array(items) = json else {
        return Err(Error::decode(format!(
            "expected an array of entries, got {}",
            snippet(&resp.body)
        )));
    };
    if items.len() != expected {
        return Err(Error::decode(format!(
            "{} entries for {expected} commands",
            items.len()
        )));
    }
    let decode = |item: &Json| entry(item).unwrap_or_else(|| Err(Error::decode(format!("bad entry {item}"))));
    Ok(items.iter().map(decode).collect())
}

/// Status-level failures first, then the JSON body; a top-level `{"error"}` becomes the error.
fn checked_json(resp: &HttpResponse) -> Result<Json, Error> {
    let json: Option<Json> = serde_json::from_slice(&resp.body).ok();
    let message = || match json.as_ref().and_then(|j| j.get("error")).and_then(Json::as_str) {
        Some(m) => m.to_owned(),
        None => snippet(&resp.body),
    };
    match resp.status {
        401 | 403 => return Err(Error::Auth(message())),
        500..=599 => {
            return Err(Error::Unavailable {
                status: resp.status,
                message: message(),
            })
        }
        _ => {}
    }
    let Some(json) = json else {
        return Err(Error::decode(format!(
            "HTTP {}, body is not JSON: {}",
            resp.status,
            snippet(&resp.body)
        )));
    };
    if let Some(err) = json.get("error") {
        return Err(Error::from_redis_message(
            err.as_str().map_or_else(|| err.to_string(), str::to_owned),
        ));
    }
    if !(200..300).contains(&resp.status) {
        return Err(Error::decode(format!(
            "HTTP {} without an error message: {}",
            resp.status,
            snippet(&resp.body)
        )));
    }
    Ok(json)
}

/// `{"result": v}` or `{"error": msg}`; None for any other shape.
fn entry(json: &Json) -> Option<Result<Value, Error>> {
    if let Some(err) = json.get("error") {
        let msg = err.as_str().map_or_else(|| err.to_string(), str::to_owned);
        return Some(Err(Error::from_redis_message(msg)));
    }
    json.get("result").map(|r| decode_value(r, true))
}

/// Per §4.2: every string is base64 (the client always asks for it: exact bytes, binary-safe,
/// as in the official clients) except a top-level "OK" status reply.
pub(crate) fn decode_value(json: &Json, top: bool) -> Result<Value, Error> {
    match json {
        Json::Null => Ok(Value::Null),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .ok_or_else(|| Error::decode(format!("not an i64: {n}"))),
        Json::String(s) if top && s == "OK" => Ok(Value::Bytes(s.as_bytes().to_vec())),
        Json::String(s) => BASE64
            .decode(s)
            .map(Value::Bytes)
            .map_err(|e| Error::decode(format!("bad base64 {:?}: {e}", truncate(s)))),
        Json::Array(items) => items
            .iter()
            .map(|i| decode_value(i, false))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        other => Err(Error::decode(format!(
            "unexpected JSON value {}",
            truncate(&other.to_string())
        ))),
    }
}

fn snippet(body: &[u8]) -> String {
    truncate(&String::from_utf8_lossy(body))
}

fn truncate(s: &str) -> String {
    s.chars().take(SNIPPET_CHARS).collect()
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
