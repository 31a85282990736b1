//! The three workers through real `wrangler dev` + gateway + redis-server. Each test binary has
//! its own shop (the workers' vars differ per scenario), stopped when the binary exits.

#![allow(dead_code)]

use std::time::Duration;

pub use dev_stack::http::{eventually, request, Answer};
use dev_stack::Shop;
use serde_json::{json, Value};
use store::{schema, test_support, Keys, Stream};
use upstash_rest::{Client, ReqwestTransport};

/// Quick payments for tests (the tutorial's 5 s is the default).
pub const FAST_PAYMENT: (&str, &str) = ("PAYMENT_DELAY_MS", "300");

pub async fn create_product(shop: &Shop, name: &str, price: f64, quantity: u64) -> String {
    let answer = request("POST", format!("{}/products", shop.inventory.url()))
        .json(&json!({"name": name, "price": price, "quantity": quantity}))
        .send()
        .await;
    assert_eq!(answer.status, 201, "{}", answer.raw);
    answer.text("id")
}

pub async fn stock(shop: &Shop, product: &str) -> Option<u64> {
    let answer = request("GET", format!("{}/products/{product}", shop.inventory.url()))
        .send()
        .await;
    (answer.status == 200).then(|| answer.body["quantity"].as_u64().expect("a quantity"))
}

pub async fn order(shop: &Shop, product: &str, quantity: u64) -> Answer {
    request("POST", format!("{}/orders", shop.payment.url()))
        .json(&json!({"id": product, "quantity": quantity}))
        .send()
        .await
}

pub async fn get_order(shop: &Shop, id: &str) -> Value {
    let answer = request("GET", format!("{}/orders/{id}", shop.payment.url()))
        .send()
        .await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    answer.body
}

/// Waits until the order is no longer pending and returns it.
pub async fn settled(shop: &Shop, id: &str, limit: Duration) -> Value {
    eventually(limit, &format!("order {id} to settle"), || async {
        let order = get_order(shop, id).await;
        (order["status"] != "pending").then_some(order)
    })
    .await
}

pub async fn consumer_stats(shop: &Shop) -> Value {
    let answer = request("GET", format!("{}/stats", shop.consumer.url()))
        .send()
        .await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    answer.body
}

/// A native client on the shop's Redis, for what a test does behind the workers' backs.
pub fn redis(shop: &Shop) -> Client<ReqwestTransport> {
    test_support::client(&shop.stack.gateway)
}

/// The workers' keys: wrangler.toml's `KEY_PREFIX` is the default one.
pub fn keys() -> Keys {
    Keys::new(schema::DEFAULT_PREFIX)
}

/// XADD by hand, as an operator replaying an event would.
pub async fn xadd(shop: &Shop, stream: Stream, fields: &[(&str, &str)]) {
    test_support::xadd(&redis(shop), &keys(), stream, fields).await;
}
