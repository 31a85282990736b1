//! JSON responses: `Content-Type: application/json; charset=utf-8`, errors in the common shape.

use serde::Serialize;
use worker::{Response, Result};

use crate::ApiError;

pub fn json<T: Serialize>(status: u16, value: &T) -> std::result::Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(|_| ApiError::Internal)?;
    with_json_type(Response::from_bytes(body), status).map_err(|_| ApiError::Internal)
}

pub fn no_content() -> std::result::Result<Response, ApiError> {
    Response::empty()
        .map(|r| r.with_status(204))
        .map_err(|_| ApiError::Internal)
}

pub fn error(e: &ApiError) -> Result<Response> {
    with_json_type(
        Response::from_bytes(serde_json::to_vec(&e.body()).unwrap_or_default()),
        e.status(),
    )
}

/// What every handler ends with: its answer, or its error as JSON.
pub fn reply(result: std::result::Result<Response, ApiError>) -> Result<Response> {
    match result {
        Ok(response) => Ok(response),
        Err(e) => {
            if e == ApiError::Internal {
                worker::console_error!("internal error answered as 500");
            }
            error(&e)
        }
    }
}

fn with_json_type(response: Result<Response>, status: u16) -> Result<Response> {
    let mut response = response?.with_status(status);
    response
        .headers_mut()
        .set("Content-Type", "application/json; charset=utf-8")?;
    Ok(response)
}
