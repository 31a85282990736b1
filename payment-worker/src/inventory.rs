//! The product, read from inventory-worker through the `INVENTORY` service binding (no public hop).

use domain::{Cents, Id, Quantity};
use serde_json::Value;
use worker::Env;
use worker_http::ApiError;

pub struct Product {
    pub price: Cents,
    pub quantity: Quantity,
}

fn unavailable() -> ApiError {
    ApiError::Unavailable("the inventory is unreachable right now; try again shortly".into())
}

/// `Ok(None)` for an unknown product.
pub async fn product(env: &Env, id: &Id) -> Result<Option<Product>, ApiError> {
    let inventory = env.service("INVENTORY").map_err(|_| {
        worker::console_error!("the INVENTORY service binding is missing");
        unavailable()
    })?;
    let mut res = inventory
        .fetch(format!("https://inventory/products/{id}"), None)
        .await
        .map_err(|e| {
            worker::console_error!("inventory unreachable: {e}");
            unavailable()
        })?;
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
            worker::console_error!("the INVENTORY binding does not answer like the inventory worker");
            return Err(unavailable());
        }
        status => {
            worker::console_error!("inventory answered {status}");
            return Err(unavailable());
        }
    }
    let body: Value = res.json().await.map_err(|_| unavailable())?;
    let price = Cents::parse_price("price", &body["price"]).map_err(|_| ApiError::Internal)?;
    let quantity = Quantity::parse("quantity", &body["quantity"], 0).map_err(|_| ApiError::Internal)?;
    Ok(Some(Product { price, quantity }))
}
