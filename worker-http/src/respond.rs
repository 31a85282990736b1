//! JSON responses: `Content-Type: application/json; charset=utf-8`, errors in the common shape.

use serde::Serialize;
use worker::{Response, Result};

use crate::ApiError;

pub fn json<T: Serialize>(status: u16, value: &T) -> std::result::Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(format!("serialize: {e}")))?;
    with_json_type(Response::from_bytes(body), status)
        .map_err(|e| ApiError::Internal(format!("response: {e}")))
}

/// `json`, with the representation's `ETag` (RFC 9110 §8.8.3).
pub fn json_tagged<T: Serialize>(
    status: u16,
    value: &T,
    etag: &impl std::fmt::Display,
) -> std::result::Result<Response, ApiError> {
    let mut response = json(status, value)?;
    response
        .headers_mut()
        .set(domain::precondition::ETAG, &etag.to_string())
        .map_err(|e| ApiError::Internal(format!("ETag header: {e}")))?;
    Ok(response)
}

/// 304: the client's copy (`If-None-Match`) is current; no body, its `ETag`.
pub fn not_modified(etag: &impl std::fmt::Display) -> std::result::Result<Response, ApiError> {
    let mut response = Response::empty()
        .map(|r| r.with_status(304))
        .map_err(|e| ApiError::Internal(format!("response: {e}")))?;
    response
        .headers_mut()
        .set(domain::precondition::ETAG, &etag.to_string())
        .map_err(|e| ApiError::Internal(format!("ETag header: {e}")))?;
    Ok(response)
}

pub fn no_content() -> std::result::Result<Response, ApiError> {
    Response::empty()
        .map(|r| r.with_status(204))
        .map_err(|e| ApiError::Internal(format!("response: {e}")))
}

pub fn error(e: &ApiError) -> Result<Response> {
    let mut response = with_json_type(
        Response::from_bytes(serde_json::to_vec(&e.body()).unwrap_or_default()),
        e.status(),
    )?;
    match e {
        ApiError::RateLimited { retry_after_s } => {
            response
                .headers_mut()
                .set("Retry-After", &retry_after_s.to_string())?;
        }
        // The codings a body may come in (RFC 9110 §15.5.16): none but identity.
        ApiError::UnsupportedEncoding(_) => response.headers_mut().set("Accept-Encoding", "identity")?,
        _ => {}
    }
    if let ApiError::PreconditionFailed { current } = e {
        response.headers_mut().set(domain::precondition::ETAG, current)?;
    }
    Ok(response)
}

/// Runs a route's handler (`routes!` calls it; taking the closure here types its parameters).
/// With the test-only fault `panic` (`FAULTS`), a request with `X-Test-Fault: panic` panics in
/// it, for the tests of what a panic does (`panic.rs`).
#[cfg(target_arch = "wasm32")]
pub async fn handle<D, F, Fut>(
    req: worker::Request,
    rc: worker::RouteContext<crate::Scoped<D>>,
    handler: F,
) -> Result<Response>
where
    F: FnOnce(worker::Request, worker::RouteContext<crate::Scoped<D>>) -> Fut,
    Fut: std::future::Future<Output = std::result::Result<Response, ApiError>>,
{
    use crate::settings::{Common, Fault, FromVars};
    let scope = rc.data.scope.clone();
    let faults = Common::of(&rc.env).map(|c| c.faults.has(Fault::Panic));
    if faults.unwrap_or(false) && req.headers().get("X-Test-Fault")?.as_deref() == Some("panic") {
        panic!("fault injected: a handler panicked (FAULTS=panic)");
    }
    reply(&scope, handler(req, rc).await)
}

/// What every route ends with (`routes!` calls it): the handler's answer, or its error as JSON,
/// remembered in the request's scope for the log line (code and cause).
pub fn reply(scope: &crate::log::Scope, result: std::result::Result<Response, ApiError>) -> Result<Response> {
    match result {
        Ok(response) => Ok(response),
        Err(e) => {
            scope.record(&e);
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
