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
        404 => return Ok(None),
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
