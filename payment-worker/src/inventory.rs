//! The product, read from inventory-worker through the `INVENTORY` service binding (no public
//! hop), with this request's `X-Request-Id` so that both workers' lines share it.

use domain::{Cents, FieldError, Id, Quantity};
use serde_json::Value;
use worker::{Env, Headers, Method, Request, RequestInit};
use worker_http::log::Scope;
use worker_http::ApiError;

pub struct Product {
    pub price: Cents,
    pub quantity: Quantity,
}

fn unavailable(cause: impl Into<String>) -> ApiError {
    ApiError::unavailable("the inventory is unreachable right now; try again shortly", cause)
}

/// `Ok(None)` for an unknown product.
pub async fn product(env: &Env, scope: &Scope, id: &Id) -> Result<Option<Product>, ApiError> {
    let inventory = env
        .service("INVENTORY")
        .map_err(|e| unavailable(format!("the INVENTORY service binding is missing: {e}")))?;
    let headers = Headers::new();
    headers
        .set("X-Request-Id", &scope.request_id)
        .map_err(|e| unavailable(format!("request id header: {e}")))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let request = Request::new_with_init(&format!("https://inventory/products/{id}"), &init)
        .map_err(|e| unavailable(format!("inventory request: {e}")))?;
    let mut res = inventory
        .fetch_request(request)
        .await
        .map_err(|e| unavailable(format!("inventory unreachable: {e}")))?;
    match res.status_code() {
        200 => {}
        // The inventory's own "no product with this id"; a 404 for the route itself would mean
        // the binding points at the wrong service.
        404 => {
            let body: Value = res.json().await.unwrap_or_default();
            if body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("product"))
            {
                return Ok(None);
            }
            return Err(unavailable(
                "the INVENTORY binding does not answer like the inventory worker",
            ));
        }
        status => return Err(unavailable(format!("inventory answered {status}"))),
    }
    let body: Value = res
        .json()
        .await
        .map_err(|e| unavailable(format!("inventory answer: {e}")))?;
    let bad = |e: FieldError| ApiError::Internal(format!("the inventory answered a product with a bad {e}"));
    let price = Cents::parse_price("price", &body["price"]).map_err(bad)?;
    let quantity = Quantity::parse("quantity", &body["quantity"], 0).map_err(bad)?;
    Ok(Some(Product { price, quantity }))
}
