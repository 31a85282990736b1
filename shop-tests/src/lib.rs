//! What the workers' tests share: the three workers through real `wrangler dev` + gateway +
//! redis-server, driven as a client would (`dev_stack::Shop`), and their Redis as an operator
//! would touch it. Each test file has its own shop (the workers' vars differ per scenario),
//! stopped when the test process exits.

pub use dev_stack::http::{eventually, request, Answer};
use std::time::{Duration, Instant};

use dev_stack::{Shop, ShopVars};
use serde_json::{json, Value};
use store::{schema, test_support, Keys, Stream};
use upstash_rest::{Client, ReqwestTransport};

/// Quick payments for tests (the tutorial's 5 s is the default).
pub const FAST_PAYMENT: (&str, &str) = ("PAYMENT_DELAY_MS", "300");

/// The calling test file's one open shop, its payments completed `delay_ms` after placement
/// (long enough to cancel, short enough to wait for); started by the file's first call.
#[track_caller]
pub fn shop_paying_after(delay_ms: u64) -> &'static Shop {
    let delay = delay_ms.to_string();
    Shop::shared(ShopVars::open().with_payment(&[("PAYMENT_DELAY_MS", &delay)]))
}

/// A shop with quick payments whose consumer reclaims a pending event at once (instead of after a
/// minute), to see a redelivery within a test.
pub fn reclaiming_shop() -> Shop {
    Shop::start(ShopVars {
        payment: &[FAST_PAYMENT],
        consumer: &[("RECLAIM_IDLE_MS", "0")],
        ..ShopVars::open()
    })
    .expect("the shop starts")
}

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
pub async fn settled(shop: &Shop, id: &str) -> Value {
    eventually(&format!("order {id} to settle"), || async {
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

/// The product's `available` (on hand minus reserved), if it exists.
pub async fn available(shop: &Shop, product: &str) -> Option<u64> {
    let answer = request("GET", format!("{}/products/{product}", shop.inventory.url()))
        .send()
        .await;
    (answer.status == 200).then(|| answer.body["available"].as_u64().expect("available"))
}

pub async fn cancel(shop: &Shop, id: &str) -> Answer {
    request("POST", format!("{}/orders/{id}/cancel", shop.payment.url()))
        .send()
        .await
}

/// Panics unless the books balance (`store::test_support::books`): `supplied` is each product
/// with every unit ever put on hand; no order may be pending longer than `max_pending_ms`.
pub async fn assert_books_balance(shop: &Shop, supplied: &[(&str, u64)], max_pending_ms: u64) {
    let ids: Vec<(domain::Id, u64)> = supplied
        .iter()
        .map(|(id, units)| (domain::Id::parse(id).expect("a product id"), *units))
        .collect();
    let supplied: Vec<(&domain::Id, u64)> = ids.iter().map(|(id, units)| (id, *units)).collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock")
        .as_millis() as u64;
    let problems = test_support::books(&redis(shop), &keys(), &supplied, now, max_pending_ms).await;
    assert!(
        problems.is_empty(),
        "the books do not balance:\n{}",
        problems.join("\n")
    );
}

/// The gateway's counters once they have stood still for a second: whatever was still under way
/// (a payment, a consumer run a nudge started) is over. Waits on that, not on a fixed pause that a
/// slow machine could outlast.
pub async fn counters_still(gateway: &dev_stack::Gateway) -> dev_stack::Stats {
    let read = || gateway.stats().expect("the gateway's counters");
    let deadline = Instant::now() + dev_stack::http::CEILING;
    let (mut last, mut still_since) = (read(), Instant::now());
    while still_since.elapsed() < Duration::from_secs(1) {
        assert!(
            Instant::now() < deadline,
            "the gateway's counters never stand still"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = read();
        if now != last {
            (last, still_since) = (now, Instant::now());
        }
    }
    last
}

/// Waits until `product`'s stock on hand is `quantity` (the consumer took what it should).
pub async fn stock_becomes(shop: &Shop, product: &str, quantity: u64) {
    let what = format!("the stock of {product} to be {quantity}");
    eventually(&what, || async {
        (stock(shop, product).await == Some(quantity)).then_some(())
    })
    .await;
}

/// Waits until the consumer has applied every event (both streams empty and nothing pending).
pub async fn consumer_idle(shop: &Shop) {
    eventually("every event to be applied", || async {
        let stats = consumer_stats(shop).await;
        let idle = ["order_completed", "refund_order"]
            .iter()
            .all(|s| stats["streams"][s]["pending"] == 0 && stats["streams"][s]["length"] == 0);
        idle.then_some(())
    })
    .await;
}
