//! No overselling: stock 10, 40 concurrent orders of 1. Every order ends completed or refunded,
//! the stock never goes below 0, and it drops by exactly what the completed orders took.

mod common;

use std::time::Duration;

use common::*;
use dev_stack::{Shop, ShopVars};

#[tokio::test]
async fn forty_concurrent_orders_for_ten_in_stock() {
    let shop = Shop::start(ShopVars {
        payment: &[FAST_PAYMENT],
        ..ShopVars::default()
    })
    .expect("the shop starts");
    let product = create_product(&shop, "Scarce", 20.0, 10).await;

    let answers = futures_util::future::join_all((0..40).map(|_| order(&shop, &product, 1))).await;
    // At the moment each is placed the stock is still 10, so all are taken; the consumer decides.
    let ids: Vec<String> = answers
        .iter()
        .filter(|a| a.status == 201)
        .map(|a| a.text("id"))
        .collect();
    assert!(
        answers.iter().all(|a| a.status == 201 || a.status == 409),
        "only 201 or 409"
    );
    assert!(ids.len() >= 10, "at least the first ten are taken: {}", ids.len());

    for id in &ids {
        let order = settled(&shop, id, Duration::from_secs(30)).await;
        match order["status"].as_str() {
            Some("completed") => {}
            Some("refunded") => assert_eq!(order["refund_reason"], "insufficient_stock"),
            other => panic!("order {id} ended {other:?}"),
        }
    }
    // Refunds are decided by the consumer after completion: wait until every order has settled
    // for good (a completed order may still be refunded), then check the books.
    eventually(Duration::from_secs(20), "every event to be applied", || async {
        let stats = consumer_stats(&shop).await;
        let idle = ["order_completed", "refund_order"]
            .iter()
            .all(|s| stats["streams"][s]["pending"] == 0 && stats["streams"][s]["length"] == 0);
        idle.then_some(())
    })
    .await;
    let (mut completed, mut refunded) = (0, 0);
    for id in &ids {
        match get_order(&shop, id).await["status"].as_str() {
            Some("completed") => completed += 1,
            Some("refunded") => refunded += 1,
            other => panic!("order {id} ended {other:?}"),
        }
    }
    let left = stock(&shop, &product).await.expect("the product exists");
    assert_eq!(completed + refunded, ids.len());
    assert_eq!(completed, 10, "exactly the stock was sold");
    assert_eq!(left, 10 - completed as u64);
}
