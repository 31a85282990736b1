//! Carts through the three workers under wrangler dev: 200 concurrent carts of 1 to 4 lines over
//! 5 products of limited stock are each placed whole or refused whole, never oversell and never
//! refund, with the books balancing throughout; a cart of 50 lines; a cart naming an unknown
//! product; a cart whose product is deleted before its payment; concurrent cancels of carts;
//! `Idempotency-Key` retries of a cart in any order of lines.

use std::collections::HashMap;
use std::time::Duration;

use dev_stack::Shop;
use serde_json::{json, Value};
use shop_tests::*;

/// Payments complete after this long: long enough to cancel, short enough to wait for.
const DELAY_MS: u64 = 1_500;

fn shop() -> &'static Shop {
    shop_paying_after(DELAY_MS)
}

async fn place(shop: &Shop, lines: &[(&str, u64)], key: Option<&str>) -> Answer {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(product, quantity)| json!({"product_id": product, "quantity": quantity}))
        .collect();
    let mut post = request("POST", format!("{}/orders", shop.payment.url())).json(&json!({ "lines": lines }));
    if let Some(key) = key {
        post = post.header("Idempotency-Key", key);
    }
    post.send().await
}

/// Every order of `ids` settled, every event applied.
async fn all_settled(shop: &Shop, ids: &[String]) {
    for id in ids {
        settled(shop, id).await;
    }
    consumer_idle(shop).await;
}

/// A small deterministic generator, so that a failing mix can be run again.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[tokio::test]
async fn two_hundred_overlapping_carts_are_each_placed_or_refused_whole_and_never_oversell() {
    let shop = shop();
    let stock_of = [40u64, 25, 60, 10, 30];
    let mut products = Vec::new();
    for (n, units) in stock_of.iter().enumerate() {
        products.push(create_product(shop, &format!("Scarce {n}"), 3.0, *units).await);
    }
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let carts: Vec<Vec<(&str, u64)>> = (0..200)
        .map(|_| {
            let lines = 1 + next(&mut seed) % 4;
            let first = next(&mut seed) as usize % products.len();
            (0..lines as usize)
                .map(|i| {
                    (
                        products[(first + i) % products.len()].as_str(),
                        1 + next(&mut seed) % 3,
                    )
                })
                .collect()
        })
        .collect();
    let supplied: Vec<(&str, u64)> = products.iter().map(String::as_str).zip(stock_of).collect();

    // The books are checked over and over while the carts are placed, paid and applied: one
    // atomic snapshot each time, so they must balance at every moment.
    let placing = futures_util::future::join_all(carts.iter().map(|cart| place(shop, cart, None)));
    let checking = async {
        for _ in 0..20 {
            assert_books_balance(shop, &supplied, 60_000).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let (answers, ()) = futures_util::future::join(placing, checking).await;

    let mut sold: HashMap<&str, u64> = HashMap::new();
    let mut ids = Vec::new();
    for (cart, answer) in carts.iter().zip(&answers) {
        match answer.status {
            201 => {
                let lines = answer.body["lines"].as_array().expect("lines");
                assert_eq!(lines.len(), cart.len(), "every line placed: {}", answer.raw);
                for (product, units) in cart {
                    *sold.entry(product).or_default() += units;
                }
                ids.push(answer.text("id"));
            }
            409 => {
                assert_eq!(answer.error_code(), "insufficient_stock", "{}", answer.raw);
                let short = answer.body["error"]["details"].as_array().expect("details");
                assert!(!short.is_empty());
                for line in short {
                    let asked = cart
                        .iter()
                        .find(|(p, _)| line["product_id"] == *p)
                        .expect("a short line is one of the cart's")
                        .1;
                    assert!(
                        line["available"].as_u64().expect("available") < asked,
                        "{}",
                        answer.raw
                    );
                }
            }
            other => panic!("cart answered {other}: {}", answer.raw),
        }
    }
    assert!(
        ids.len() > 20,
        "enough carts placed to prove something: {}",
        ids.len()
    );
    assert!(ids.len() < 200, "and enough refused: the stock runs out");
    all_settled(shop, &ids).await;
    for id in &ids {
        assert_eq!(get_order(shop, id).await["status"], "completed", "no refund");
    }
    for (product, units) in &supplied {
        let left = stock(shop, product).await.expect("a product");
        let taken = sold.get(product).copied().unwrap_or(0);
        assert_eq!(left + taken, *units, "no oversell of {product}");
    }
    assert_books_balance(shop, &supplied, 60_000).await;
}

#[tokio::test]
async fn a_cart_of_fifty_lines_is_placed_paid_and_taken_whole() {
    let shop = shop();
    let mut products = Vec::new();
    for n in 0..50 {
        products.push(create_product(shop, &format!("Line {n}"), 1.5, 10).await);
    }
    let lines: Vec<(&str, u64)> = products.iter().map(|p| (p.as_str(), 3)).collect();
    let placed = place(shop, &lines, None).await;
    assert_eq!(placed.status, 201, "{}", placed.raw);
    // 50 × 3 × (1.50 + 0.30)
    assert_eq!(placed.body["total"], json!(270));
    assert!(placed.body.get("product_id").is_none(), "not a one-line order");
    assert_eq!(placed.body["lines"][7]["name"], "Line 7");
    all_settled(shop, &[placed.text("id")]).await;
    for product in &products {
        assert_eq!(stock(shop, product).await, Some(7));
    }
    let supplied: Vec<(&str, u64)> = products.iter().map(|p| (p.as_str(), 10)).collect();
    assert_books_balance(shop, &supplied, 60_000).await;
}

#[tokio::test]
async fn a_cart_naming_an_unknown_product_is_a_404_naming_it_and_reserves_nothing() {
    let shop = shop();
    let real = create_product(shop, "Real", 1.0, 5).await;
    let ghost = "01JDQ3T0X6M6V1W3C6W7N5K8ZP";
    let answer = place(shop, &[(&real, 2), (ghost, 1), ("not-an-id", 1)], None).await;
    answer.assert_error(404, "not_found");
    let named: Vec<&Value> = answer.body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| &d["product_id"])
        .collect();
    assert_eq!(
        named,
        [&json!("not-an-id")],
        "a text that cannot be an id, at once"
    );
    let answer = place(shop, &[(&real, 2), (ghost, 1)], None).await;
    assert_eq!(answer.status, 404, "{}", answer.raw);
    assert_eq!(answer.body["error"]["details"], json!([{"product_id": ghost}]));
    assert!(answer.body["error"]["message"].as_str().unwrap().contains(ghost));
    assert_eq!(available(shop, &real).await, Some(5), "nothing reserved");
}

#[tokio::test]
async fn deleting_one_product_of_a_cart_refunds_it_whole_and_releases_the_rest() {
    let shop = shop();
    let doomed = create_product(shop, "Doomed", 1.0, 10).await;
    let kept = create_product(shop, "Kept", 1.0, 10).await;
    let placed = place(shop, &[(&kept, 4), (&doomed, 2)], None).await;
    assert_eq!(placed.status, 201, "{}", placed.raw);
    assert_eq!(available(shop, &kept).await, Some(6));
    let deleted = request("DELETE", format!("{}/products/{doomed}", shop.inventory.url()))
        .send()
        .await;
    assert_eq!(deleted.status, 204);
    let id = placed.text("id");
    all_settled(shop, std::slice::from_ref(&id)).await;
    eventually("the refund", || async {
        let order = get_order(shop, &id).await;
        (order["status"] == "refunded").then_some(order)
    })
    .await;
    assert_eq!(get_order(shop, &id).await["refund_reason"], "product_deleted");
    assert_eq!(
        (stock(shop, &kept).await, available(shop, &kept).await),
        (Some(10), Some(10)),
        "nothing taken, the kept line released"
    );
    assert_books_balance(shop, &[(&kept, 10)], 60_000).await;
}

#[tokio::test]
async fn carts_cancelled_across_their_payment_end_completed_or_cancelled_never_both() {
    let shop = shop();
    let (a, b) = (
        create_product(shop, "Cancel A", 1.0, 100).await,
        create_product(shop, "Cancel B", 1.0, 100).await,
    );
    let mut ids = Vec::new();
    for _ in 0..12 {
        let placed = place(shop, &[(&a, 2), (&b, 3)], None).await;
        assert_eq!(placed.status, 201, "{}", placed.raw);
        ids.push(placed.text("id"));
    }
    // Cancels spread over the payment's moment: some before, some racing it, some after.
    let cancels = ids.iter().enumerate().map(|(i, id)| async move {
        tokio::time::sleep(Duration::from_millis(DELAY_MS * i as u64 / 6)).await;
        let answer = cancel(shop, id).await;
        assert!(
            answer.status == 200 || answer.error_code() == "not_cancellable",
            "{}",
            answer.raw
        );
        answer.status == 200
    });
    let cancelled: Vec<bool> = futures_util::future::join_all(cancels).await;
    all_settled(shop, &ids).await;
    let mut completed = 0;
    for (id, was_cancelled) in ids.iter().zip(&cancelled) {
        let status = get_order(shop, id).await["status"].clone();
        let expected = if *was_cancelled { "cancelled" } else { "completed" };
        assert_eq!(status, expected, "{id}");
        completed += u64::from(!was_cancelled);
    }
    assert_eq!(stock(shop, &a).await, Some(100 - 2 * completed));
    assert_eq!(stock(shop, &b).await, Some(100 - 3 * completed));
    assert_books_balance(shop, &[(&a, 100), (&b, 100)], 60_000).await;
}

#[tokio::test]
async fn a_retried_cart_is_placed_once_whatever_the_order_of_its_lines() {
    let shop = shop();
    let (a, b) = (
        create_product(shop, "Retry A", 2.0, 10).await,
        create_product(shop, "Retry B", 2.0, 10).await,
    );
    let first = place(shop, &[(&a, 1), (&b, 2)], Some("cart-retry-1")).await;
    assert_eq!(first.status, 201, "{}", first.raw);
    // Concurrent retries, and the same cart with its lines the other way round (and one split).
    let retries = futures_util::future::join_all((0..10).map(|i| {
        let (a, b) = (&a, &b);
        async move {
            match i % 3 {
                0 => place(shop, &[(a, 1), (b, 2)], Some("cart-retry-1")).await,
                1 => place(shop, &[(b, 2), (a, 1)], Some("cart-retry-1")).await,
                _ => place(shop, &[(b, 1), (a, 1), (b, 1)], Some("cart-retry-1")).await,
            }
        }
    }))
    .await;
    for retry in &retries {
        assert_eq!(retry.status, 201, "{}", retry.raw);
        assert_eq!(retry.header("idempotent-replayed"), Some("true"));
        assert_eq!(retry.raw, first.raw, "the first answer, byte for byte");
    }
    assert_eq!(available(shop, &a).await, Some(9), "reserved once");
    let other = place(shop, &[(&a, 2), (&b, 2)], Some("cart-retry-1")).await;
    other.assert_error(422, "idempotency_key_reused");
}
