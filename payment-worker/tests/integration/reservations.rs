//! Stock is reserved when an order is placed: sold out is a 409 at once and never a refund later,
//! a pending order can be cancelled, and the books balance after every scenario (on hand + taken
//! = supplied, reserved = what orders hold).

use std::time::Duration;

use dev_stack::Shop;
use serde_json::json;
use shop_tests::*;

/// Payments complete after this long: long enough to cancel (after a few requests, on a loaded
/// machine too), short enough to wait for.
const DELAY_MS: u64 = 5_000;

fn shop() -> &'static Shop {
    shop_paying_after(DELAY_MS)
}

async fn patch(shop: &Shop, product: &str, body: serde_json::Value) -> Answer {
    request("PATCH", format!("{}/products/{product}", shop.inventory.url()))
        .json(&body)
        .send()
        .await
}

/// A 409 `not_cancellable` that names the order's status.
fn assert_not_cancellable(answer: &Answer, status: &str) {
    assert_eq!(answer.error_code(), "not_cancellable", "{}", answer.raw);
    let message = answer.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(status), "{}", answer.raw);
}

/// Every order of `ids` settled, every event applied.
async fn all_settled(shop: &Shop, ids: &[String]) {
    for id in ids {
        settled(shop, id).await;
    }
    consumer_idle(shop).await;
}

#[tokio::test]
async fn two_hundred_orders_for_fifty_in_stock_sell_exactly_fifty_and_refund_none() {
    let shop = shop();
    let product = create_product(shop, "Scarce", 2.5, 50).await;

    let answers = futures_util::future::join_all((0..200).map(|_| order(shop, &product, 1))).await;
    let ids: Vec<String> = answers
        .iter()
        .filter(|a| a.status == 201)
        .map(|a| a.text("id"))
        .collect();
    let sold_out = answers
        .iter()
        .filter(|a| a.status == 409 && a.body["error"]["code"] == "insufficient_stock")
        .count();
    assert_eq!(
        (ids.len(), sold_out),
        (50, 150),
        "50 placed, 150 told sold out at once"
    );
    assert_eq!(
        available(shop, &product).await,
        Some(0),
        "all 50 reserved or taken"
    );

    all_settled(shop, &ids).await;
    for id in &ids {
        assert_eq!(get_order(shop, id).await["status"], "completed", "order {id}");
    }
    assert_eq!(stock(shop, &product).await, Some(0));
    assert_eq!(available(shop, &product).await, Some(0));
    assert_books_balance(shop, &[(&product, 50)], 60_000).await;
}

#[tokio::test]
async fn mixed_quantities_and_price_changes_never_oversell() {
    let shop = shop();
    let product = create_product(shop, "Mixed", 1.0, 40).await;
    let prices = ["1.00", "2.00", "3.00"];

    let orders = futures_util::future::join_all((0..30).map(|n| order(shop, &product, [1, 3][n % 2])));
    let patches = futures_util::future::join_all(
        (0..12).map(|n| patch(shop, &product, json!({"price": prices[n % 3]}))),
    );
    let (answers, patched) = tokio::join!(orders, patches);
    assert!(patched.iter().all(|p| p.status == 200), "price changes are taken");
    let placed: Vec<&Answer> = answers.iter().filter(|a| a.status == 201).collect();
    assert!(
        answers.iter().all(|a| a.status == 201 || a.status == 409),
        "only 201 or 409"
    );
    let units: u64 = placed.iter().map(|a| a.body["quantity"].as_u64().unwrap()).sum();
    assert!(units <= 40, "{units} units placed for 40");
    for a in &placed {
        let price = a.body["price"].as_f64().unwrap();
        assert!(
            [1.0, 2.0, 3.0].contains(&price),
            "a price that was in effect: {price}"
        );
    }

    let ids: Vec<String> = placed.iter().map(|a| a.text("id")).collect();
    all_settled(shop, &ids).await;
    for id in &ids {
        let order = get_order(shop, id).await;
        assert_eq!(order["status"], "completed", "no refund: {order}");
        assert_eq!(
            order["price"],
            placed.iter().find(|a| a.text("id") == *id).unwrap().body["price"],
            "its price kept"
        );
    }
    assert_eq!(stock(shop, &product).await, Some(40 - units));
    assert_books_balance(shop, &[(&product, 40)], 60_000).await;
}

#[tokio::test]
async fn a_cancel_racing_the_payment_ends_in_exactly_one_of_the_two() {
    let shop = shop();
    let product = create_product(shop, "Raced", 5.0, 100).await;
    let placed = futures_util::future::join_all((0..24).map(|_| order(shop, &product, 2))).await;
    let ids: Vec<String> = placed.iter().map(|a| a.text("id")).collect();
    // Cancel them spread across the moment their payments complete: the first well before, the
    // last well after.
    let cancels = futures_util::future::join_all(ids.iter().enumerate().map(|(i, id)| async move {
        tokio::time::sleep(Duration::from_millis(DELAY_MS - 700 + 60 * i as u64)).await;
        cancel(shop, id).await
    }))
    .await;

    all_settled(shop, &ids).await;
    let mut completed = 0;
    for (id, answer) in ids.iter().zip(&cancels) {
        let status = get_order(shop, id).await["status"].as_str().unwrap().to_owned();
        match answer.status {
            200 => assert_eq!(
                (status.as_str(), &answer.body["status"]),
                ("cancelled", &json!("cancelled"))
            ),
            409 => {
                assert_eq!(answer.body["error"]["code"], "not_cancellable");
                assert_eq!(status, "completed", "a refused cancel means it was paid");
                completed += 1;
            }
            other => panic!("cancel answered {other}: {}", answer.raw),
        }
    }
    println!("{completed} completed, {} cancelled", ids.len() - completed);
    assert!(completed < ids.len(), "the cancels well before the payment won");
    assert_eq!(stock(shop, &product).await, Some(100 - 2 * completed as u64));
    assert_eq!(available(shop, &product).await, stock(shop, &product).await);
    assert_books_balance(shop, &[(&product, 100)], 60_000).await;
}

#[tokio::test]
async fn cancelling_releases_the_reservation_once_and_only_while_pending() {
    let shop = shop();
    let product = create_product(shop, "Cancelled", 3.0, 10).await;
    let placed = order(shop, &product, 4).await;
    let id = placed.text("id");
    assert_eq!(
        (stock(shop, &product).await, available(shop, &product).await),
        (Some(10), Some(6))
    );

    let below = patch(shop, &product, json!({"quantity": 3})).await;
    assert_eq!(
        (below.status, below.body["error"]["code"].as_str()),
        (409, Some("quantity_below_reserved")),
        "{}",
        below.raw
    );
    assert_eq!(
        patch(shop, &product, json!({"quantity": 4})).await.status,
        200,
        "down to what is reserved"
    );
    assert_eq!(available(shop, &product).await, Some(0));
    assert_eq!(
        order(shop, &product, 1).await.status,
        409,
        "nothing left to order"
    );

    let cancelled = cancel(shop, &id).await;
    assert_eq!(
        (cancelled.status, cancelled.text("status")),
        (200, "cancelled".into()),
        "{}",
        cancelled.raw
    );
    assert_eq!(available(shop, &product).await, Some(4), "released");
    assert_not_cancellable(&cancel(shop, &id).await, "cancelled");
    assert_eq!(cancel(shop, "0123456789ABCDEFGHJKMNPQRS").await.status, 404);

    // Cancelled for good: its payment never completes it.
    tokio::time::sleep(Duration::from_millis(DELAY_MS + 500)).await;
    assert_eq!(get_order(shop, &id).await["status"], "cancelled");
    let paid = order(shop, &product, 1).await;
    let paid = settled(shop, &paid.text("id")).await;
    assert_eq!(paid["status"], "completed");
    assert_not_cancellable(&cancel(shop, paid["id"].as_str().unwrap()).await, "completed");
    consumer_idle(shop).await;
    // Supplied: 10, then set to 4 (6 units taken off the shelf by the restock).
    assert_books_balance(shop, &[(&product, 4)], 60_000).await;
}

#[tokio::test]
async fn deleting_a_product_refunds_its_pending_orders_and_reserves_nothing() {
    let shop = shop();
    let product = create_product(shop, "Doomed", 1.0, 10).await;
    let ids: Vec<String> = futures_util::future::join_all((0..3).map(|_| order(shop, &product, 2)))
        .await
        .iter()
        .map(|a| a.text("id"))
        .collect();
    let deleted = request("DELETE", format!("{}/products/{product}", shop.inventory.url()))
        .send()
        .await;
    assert_eq!(deleted.status, 204);
    all_settled(shop, &ids).await;
    eventually("the refunds", || async {
        let mut all = true;
        for id in &ids {
            all &= get_order(shop, id).await["status"] == "refunded";
        }
        all.then_some(())
    })
    .await;
    for id in &ids {
        assert_eq!(get_order(shop, id).await["refund_reason"], "product_deleted");
    }
    assert_books_balance(shop, &[], 60_000).await;
}
