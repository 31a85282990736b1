//! `GET /health`: 200 when Redis answers a PING, 503 otherwise.

use serde_json::json;

use crate::respond::json;
use crate::ApiError;

pub fn answer(service: &str, redis_ok: bool) -> Result<worker::Response, ApiError> {
    let (status, state, redis) = if redis_ok {
        (200, "ok", "ok")
    } else {
        (503, "degraded", "unreachable")
    };
    json(
        status,
        &json!({"status": state, "service": service, "redis": redis}),
    )
}
