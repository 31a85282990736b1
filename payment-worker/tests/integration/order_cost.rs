//! What an order's whole life costs on Upstash, end to end (placement, the background payment,
//! the consumer run it nudges, the stock taken), read from the gateway's counters. Reading the
//! stock to see when it is done costs one round trip a read; those are counted and subtracted.

use std::time::Duration;

use dev_stack::{Shop, ShopVars};
use shop_tests::*;

/// Waits until the product's stock is `expected`; returns how many reads that took.
async fn stock_reaches(shop: &Shop, product: &str, expected: u64) -> u64 {
    let mut reads = 0;
    let deadline = std::time::Instant::now() + dev_stack::http::CEILING;
    loop {
        reads += 1;
        if stock(shop, product).await == Some(expected) {
            return reads;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the stock never reached {expected}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_order_costs_three_commands_alone_and_fewer_in_a_burst() {
    let shop = Shop::start(ShopVars::open().with_payment(&[FAST_PAYMENT])).expect("the shop starts");
    let gateway = &shop.stack.gateway;
    let product = create_product(&shop, "Costed", 1.0, 10_000).await;
    shop.run_consumer().await; // the consumer groups, once

    let before = gateway.stats().unwrap();
    assert_eq!(order(&shop, &product, 1).await.status, 201);
    let reads = stock_reaches(&shop, &product, 9_999).await;
    let alone = counters_still(gateway).await - before;
    let trips = alone.requests - reads;
    println!(
        "one order alone: {trips} round trips, {} commands",
        alone.commands - reads
    );
    assert_eq!(
        (trips, alone.commands - reads),
        (3, 3),
        "placement 1, completion 1, consumer run 1"
    );

    const BURST: u64 = 100;
    let before = gateway.stats().unwrap();
    let placed = futures_util::future::join_all((0..BURST).map(|_| order(&shop, &product, 1))).await;
    assert!(placed.iter().all(|a| a.status == 201));
    let reads = stock_reaches(&shop, &product, 9_999 - BURST).await;
    let burst = counters_still(gateway).await - before;
    let per_order = (burst.requests - reads) as f64 / BURST as f64;
    println!(
        "a burst of {BURST}: {per_order:.2} round trips and {:.2} commands per order",
        (burst.commands - reads) as f64 / BURST as f64
    );
    assert!(
        per_order < 3.0,
        "nudges during a run join it: {per_order:.2} per order"
    );
}
