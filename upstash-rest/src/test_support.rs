//! Recorded responses for unit tests.

use base64::Engine as _;
use serde_json::Value as Json;

use crate::transport::HttpResponse;
use crate::{response, Error, Value};

pub(crate) fn http(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("upstash-sync-token".into(), "tok-1".into())],
        body: body.as_bytes().to_vec(),
    }
}

/// Decodes a `POST /` body as received (`Upstash-Encoding: base64`).
pub(crate) fn b64(status: u16, body: &str) -> Result<Value, Error> {
    response::single(&http(status, body))
}

/// Decodes a readable `{"result": …}` fixture after encoding it as the server would: every
/// string base64 except a top-level "OK".
pub(crate) fn wire_b64(readable: &str) -> Result<Value, Error> {
    fn encode(json: Json, top: bool) -> Json {
        match json {
            Json::String(s) if top && s == "OK" => Json::String(s),
            Json::String(s) => Json::String(base64::engine::general_purpose::STANDARD.encode(s)),
            Json::Array(items) => Json::Array(items.into_iter().map(|i| encode(i, false)).collect()),
            other => other,
        }
    }
    let mut json: Json = serde_json::from_str(readable).expect("a JSON fixture");
    if let Some(result) = json.get_mut("result") {
        *result = encode(result.take(), true);
    }
    b64(200, &json.to_string())
}
