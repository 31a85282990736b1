//! Recorded responses for unit tests.

use crate::transport::HttpResponse;
use crate::{response, Error, ResponseEncoding, Value};

pub(crate) fn http(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("upstash-sync-token".into(), "tok-1".into())],
        body: body.as_bytes().to_vec(),
    }
}

/// Decodes a `POST /` body received with `Upstash-Encoding: base64`.
pub(crate) fn b64(status: u16, body: &str) -> Result<Value, Error> {
    response::single(&http(status, body), ResponseEncoding::Base64)
}

/// Decodes a `POST /` body received without base64 (readable stream fixtures).
pub(crate) fn plain(body: &str) -> Result<Value, Error> {
    response::single(&http(200, body), ResponseEncoding::Plain)
}
