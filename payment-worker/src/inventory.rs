//! The inventory's half of placing an order: a reservation, asked of inventory-worker through the
//! `INVENTORY` service binding (no public hop, and a route only our workers can call), with this
//! request's `X-Request-Id` so that both workers' lines share it.

use store::{Reservation, ReserveRequest};
use worker::{Env, Headers, Method, Request, RequestInit};
use worker_http::log::Scope;
use worker_http::settings::{Common, FromVars};
use worker_http::ApiError;

fn unavailable(cause: impl Into<String>) -> ApiError {
    ApiError::unavailable("the inventory is unreachable right now; try again shortly", cause)
}

/// Reserves stock for an order, or says why not. The inventory answers every outcome with a 200
/// and an `outcome`; any other answer means the binding or the inventory is broken (503).
pub async fn reserve(env: &Env, scope: &Scope, request: &ReserveRequest) -> Result<Reservation, ApiError> {
    let inventory = env
        .service("INVENTORY")
        .map_err(|e| unavailable(format!("the INVENTORY service binding is missing: {e}")))?;
    let token = Common::of(env)?
        .reservation_token()
        .ok_or_else(|| unavailable("UPSTASH_REDIS_REST_TOKEN is not set: no reservation token"))?;
    let body = serde_json::to_string(request)
        .map_err(|e| ApiError::Internal(format!("reservation request: {e}")))?;
    let headers = Headers::new();
    for (name, value) in [
        ("X-Request-Id", scope.request_id.as_str()),
        ("X-Internal-Token", token.as_str()),
        ("Content-Type", "application/json"),
    ] {
        headers
            .set(name, value)
            .map_err(|e| unavailable(format!("{name} header: {e}")))?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init("https://inventory/internal/reservations", &init)
        .map_err(|e| unavailable(format!("inventory request: {e}")))?;
    let mut res = inventory
        .fetch_request(request)
        .await
        .map_err(|e| unavailable(format!("inventory unreachable: {e}")))?;
    match res.status_code() {
        200 => res
            .json::<Reservation>()
            .await
            .map_err(|e| unavailable(format!("the inventory's reservation answer: {e}"))),
        // Our token refused or the route missing: the binding points at the wrong service, or
        // the two workers hold different Redis tokens.
        404 => Err(unavailable(
            "the INVENTORY binding does not answer reservations like the inventory worker",
        )),
        status => Err(unavailable(format!("inventory answered {status}"))),
    }
}
