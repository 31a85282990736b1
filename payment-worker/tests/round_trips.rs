//! Redis round trips, read from the gateway's counters: placing an order, cancelling one, and a
//! consumer batch of 100 events.

use dev_stack::{Shop, ShopVars};
use domain::Id;
use shop_tests::*;
use store::Orders;

#[tokio::test]
async fn an_order_costs_two_round_trips_a_cancel_one_and_a_consumer_batch_of_100_one() {
    // Payments never complete by themselves here, so nothing runs in the background.
    let shop = Shop::start(ShopVars {
        payment: &[
            ("FAULTS", "skip_payment_completion"),
            ("PAYMENT_DELAY_MS", "60000"),
        ],
        consumer: &[("PAYMENT_DELAY_MS", "60000")],
        ..ShopVars::default()
    })
    .expect("the shop starts");
    let gateway = &shop.stack.gateway;
    let product = create_product(&shop, "Counted", 1.0, 1_000).await;
    shop.run_consumer().await; // creates the consumer groups once

    let (placed, spent) = gateway.measure(order(&shop, &product, 1)).await;
    assert_eq!(placed.status, 201);
    assert_eq!(
        spent.requests, 2,
        "the reservation through the inventory worker (1) and the order (1)"
    );
    // With an Idempotency-Key the first request costs the same two; its replay one (the
    // reservation finds the first answer).
    for expected in [2, 1] {
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

    let mut ids = vec![Id::parse(&placed.text("id")).unwrap()];
    for _ in 1..100 {
        ids.push(Id::parse(&order(&shop, &product, 1).await.text("id")).unwrap());
    }
    let client = redis(&shop);
    let keys = keys();
    assert_eq!(Orders::new(&client, &keys).complete(&ids, 1).await.unwrap(), 100);

    let ((), spent) = gateway.measure(shop.run_consumer()).await;
    assert_eq!(stock(&shop, &product).await, Some(900));
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
