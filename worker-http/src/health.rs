//! `GET /health`: 200 when Redis answers a PING, 503 otherwise.

use crate::contract::Health;
use crate::respond::json;
use crate::ApiError;

/// Pings Redis with the service's own settings and answers.
#[cfg(target_arch = "wasm32")]
pub async fn check<D>(
    rc: &worker::RouteContext<crate::Scoped<D>>,
    service: &'static str,
) -> Result<worker::Response, ApiError> {
    let redis_ok = match crate::Backend::of(rc) {
        Ok(backend) => backend.ping().await,
        Err(_) => false,
    };
    answer(service, redis_ok)
}

pub fn answer(service: &'static str, redis_ok: bool) -> Result<worker::Response, ApiError> {
    let (status, state, redis) = if redis_ok {
        (200, "ok", "ok")
    } else {
        (503, "degraded", "unreachable")
    };
    json(
        status,
        &Health {
            status: state,
            service,
            redis,
            reason: None,
        },
    )
}
