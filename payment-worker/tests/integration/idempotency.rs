//! Retries that cannot order twice: `Idempotency-Key` on `POST /orders`, with Stripe's rules.

use dev_stack::{Shop, ShopVars};
use serde_json::{json, Value};
use shop_tests::*;
use upstash_rest::Command;

fn shop() -> &'static Shop {
    Shop::shared(ShopVars::open().with_payment(&[FAST_PAYMENT]))
}

fn with_key(shop: &Shop, key: &str, body: Value) -> dev_stack::http::Request {
    request("POST", format!("{}/orders", shop.payment.url()))
        .header("Idempotency-Key", key)
        .json(&body)
}

/// Places `quantity` of `product` (the tutorial's one-product body) with the `Idempotency-Key` `key`.
async fn place_keyed(shop: &Shop, key: &str, product: &str, quantity: u64) -> dev_stack::http::Answer {
    with_key(shop, key, json!({"id": product, "quantity": quantity}))
        .send()
        .await
}

/// The ids of the orders of `product` in the history.
async fn orders_of(shop: &Shop, product: &str) -> Vec<String> {
    let history = request("GET", format!("{}/orders?limit=500", shop.payment.url()))
        .send()
        .await;
    history
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["product_id"] == product)
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_retry_with_the_same_key_answers_the_first_answer_and_orders_nothing() {
    let shop = shop();
    let product = create_product(shop, "Retried", 20.0, 100).await;
    let key = format!("checkout-{product}");
    let first = place_keyed(shop, &key, &product, 3).await;
    assert_eq!(first.status, 201, "{}", first.raw);
    assert_eq!(first.header("idempotent-replayed"), None);
    // The same request, written differently (product_id, the quantity as text), after the payment.
    settled(shop, &first.text("id")).await;
    let again = with_key(shop, &key, json!({"product_id": product, "quantity": "3"}))
        .send()
        .await;
    assert_eq!(
        (again.status, again.raw.as_str()),
        (201, first.raw.as_str()),
        "the very same answer"
    );
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(orders_of(shop, &product).await, vec![first.text("id")]);

    // The same key for another request: refused, naming the header.
    let other = place_keyed(shop, &key, &product, 2).await;
    other.assert_error(422, "idempotency_key_reused");
    assert_eq!(other.body["error"]["field"], "Idempotency-Key");

    // Remembered for 24 h, by Redis itself (nothing to sweep).
    let ttl = redis(shop)
        .send(&Command::new("TTL").arg(keys().idempotency(&key)))
        .await
        .unwrap()
        .as_int()
        .unwrap();
    assert!((86_000..=86_400).contains(&ttl), "TTL {ttl}");
}

#[tokio::test]
async fn twenty_concurrent_retries_place_one_order() {
    let shop = shop();
    let product = create_product(shop, "Stampede", 1.0, 100).await;
    let key = format!("burst-{product}");
    let answers = futures_util::future::join_all(
        (0..20).map(|_| with_key(shop, &key, json!({"id": product, "quantity": 1})).send()),
    )
    .await;
    let ids: Vec<String> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 201, "{}", a.raw);
            a.text("id")
        })
        .collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one order id for all: {ids:?}"
    );
    assert_eq!(
        answers
            .iter()
            .filter(|a| a.header("idempotent-replayed").is_none())
            .count(),
        1
    );
    assert_eq!(orders_of(shop, &product).await, vec![ids[0].clone()]);
    let order = settled(shop, &ids[0]).await;
    assert_eq!(order["status"], "completed");
    stock_becomes(shop, &product, 99).await;
}

#[tokio::test]
async fn keys_must_be_printable_ascii_up_to_255_and_no_key_orders_every_time() {
    let shop = shop();
    let product = create_product(shop, "Keyless", 1.0, 100).await;
    for bad in ["k".repeat(256), String::new()] {
        let answer = place_keyed(shop, &bad, &product, 1).await;
        answer.assert_error_for(422, "validation_failed", format_args!("{bad:?}"));
        assert_eq!(answer.body["error"]["field"], "Idempotency-Key");
    }
    for _ in 0..2 {
        assert_eq!(order(shop, &product, 1).await.status, 201);
    }
    assert_eq!(orders_of(shop, &product).await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_the_last_units_went_still_gets_its_order() {
    let shop = shop();
    let product = create_product(shop, "Last three", 20.0, 3).await;
    let key = format!("last-{product}");
    let first = place_keyed(shop, &key, &product, 3).await;
    assert_eq!(first.status, 201, "{}", first.raw);
    settled(shop, &first.text("id")).await;
    stock_becomes(shop, &product, 0).await;
    // Sold out now, then deleted: the retry is still answered with the order it placed.
    let sold_out = place_keyed(shop, &key, &product, 3).await;
    assert_eq!(
        (sold_out.status, sold_out.raw.as_str()),
        (201, first.raw.as_str())
    );
    assert_eq!(sold_out.header("idempotent-replayed"), Some("true"));
    let deleted = request("DELETE", format!("{}/products/{product}", shop.inventory.url()))
        .send()
        .await;
    assert_eq!(deleted.status, 204);
    let gone = place_keyed(shop, &key, &product, 3).await;
    assert_eq!((gone.status, gone.raw.as_str()), (201, first.raw.as_str()));
    // Without its key, the same request is refused as any new one would be.
    assert_eq!(order(shop, &product, 3).await.status, 404);
}
