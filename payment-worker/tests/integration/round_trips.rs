//! Redis round trips, read from the gateway's counters: placing an order of one line or of 50
//! (one round trip and one command, with or without an `Idempotency-Key`, a replay too),
//! cancelling one, and a consumer batch of 100 events.

use dev_stack::{Shop, ShopVars};
use domain::Id;
use shop_tests::*;
use store::Orders;

#[tokio::test]
async fn an_order_of_one_or_50_lines_costs_one_round_trip_a_cancel_one_and_a_consumer_batch_of_100_one() {
    // Payments never complete by themselves here, so nothing runs in the background.
    let shop = Shop::start(ShopVars {
        payment: &[
            ("FAULTS", "skip_payment_completion"),
            ("PAYMENT_DELAY_MS", "60000"),
        ],
        ..ShopVars::open()
    })
    .expect("the shop starts");
    let gateway = &shop.stack.gateway;
    let product = create_product(&shop, "Counted", 1.0, 1_000).await;
    shop.run_consumer().await; // creates the consumer groups once

    let (placed, spent) = gateway.measure(order(&shop, &product, 1)).await;
    assert_eq!(placed.status, 201);
    assert_eq!(
        (spent.requests, spent.commands),
        (1, 1),
        "one script checks, reserves and stores the order"
    );
    let mut products = Vec::new();
    for n in 0..50 {
        products.push(create_product(&shop, &format!("Line {n}"), 1.0, 10).await);
    }
    let lines: Vec<serde_json::Value> = products
        .iter()
        .map(|p| serde_json::json!({"product_id": p, "quantity": 1}))
        .collect();
    let cart = request("POST", format!("{}/orders", shop.payment.url()))
        .json(&serde_json::json!({ "lines": lines }));
    let (cart, spent) = gateway.measure(cart.send()).await;
    assert_eq!(cart.status, 201, "{}", cart.raw);
    assert_eq!(cart.body["lines"].as_array().map(Vec::len), Some(50));
    assert_eq!((spent.requests, spent.commands), (1, 1), "a cart of 50 lines");
    // With an Idempotency-Key the first request costs the same one; so does its replay (the
    // script finds the first answer).
    for expected in [1, 1] {
        let before = gateway.stats().unwrap();
        let keyed = request("POST", format!("{}/orders", shop.payment.url()))
            .header("Idempotency-Key", "counted-key")
            .json(&serde_json::json!({"id": product, "quantity": 1}))
            .send()
            .await;
        assert_eq!(keyed.status, 201, "{}", keyed.raw);
        assert_eq!(
            (gateway.stats().unwrap() - before).requests,
            expected,
            "with a key"
        );
    }
    let cancelled = order(&shop, &product, 1).await;
    let cancel = request(
        "POST",
        format!("{}/orders/{}/cancel", shop.payment.url(), cancelled.text("id")),
    );
    let (answer, spent) = gateway.measure(cancel.send()).await;
    assert_eq!(
        (answer.status, spent.requests),
        (200, 1),
        "a cancellation is one round trip"
    );

    let mut ids = vec![
        Id::parse(&placed.text("id")).unwrap(),
        Id::parse(&cart.text("id")).unwrap(),
    ];
    for _ in 2..100 {
        ids.push(Id::parse(&order(&shop, &product, 1).await.text("id")).unwrap());
    }
    let client = redis(&shop);
    let keys = keys();
    assert_eq!(Orders::new(&client, &keys).complete(&ids, 1).await.unwrap(), 100);

    let ((), spent) = gateway.measure(shop.run_consumer()).await;
    assert_eq!(stock(&shop, &product).await, Some(901));
    assert_eq!(stock(&shop, &products[0]).await, Some(9), "the cart's lines too");
    // One script: sweep, reclaim and read both streams, apply, acknowledge, trim, record the run.
    assert_eq!((spent.requests, spent.commands), (1, 1), "{spent:?}");
    let stats = consumer_stats(&shop).await;
    assert_eq!(stats["last_run_outcome"], "ok", "{stats}");
    assert!(stats["last_run_duration_ms"].is_u64(), "{stats}");
    println!(
        "consumer batch of 100 events: {} round trips, {} Redis commands",
        spent.requests, spent.commands
    );
}
