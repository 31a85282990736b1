//! Crash safety: the consumer dies in the middle of a batch (after reading, before applying);
//! started again, it loses nothing and doubles nothing.

use dev_stack::{Shop, ShopVars};
use shop_tests::*;

#[tokio::test]
async fn a_consumer_that_dies_mid_batch_loses_and_doubles_nothing() {
    let mut shop = Shop::start(ShopVars {
        payment: &[FAST_PAYMENT],
        consumer: &[("FAULTS", "crash_after_read"), ("RECLAIM_IDLE_MS", "0")],
        ..ShopVars::open()
    })
    .expect("the shop starts");
    let product = create_product(&shop, "Crashy", 20.0, 50).await;
    let mut ids = Vec::new();
    for quantity in [1, 2, 3] {
        ids.push(order(&shop, &product, quantity).await.text("id"));
    }
    for id in &ids {
        assert_eq!(settled(&shop, id).await["status"], "completed");
    }
    shop.run_consumer().await; // dies after reading, whatever the nudges did before
    let stats = consumer_stats(&shop).await;
    assert_eq!(
        stats["streams"]["order_completed"]["pending"], 3,
        "read, not applied: {stats}"
    );
    assert_eq!(stock(&shop, &product).await, Some(50));

    shop.restart_consumer(&[("RECLAIM_IDLE_MS", "0")])
        .expect("a healthy consumer starts");
    shop.run_consumer().await;
    assert_eq!(
        stock(&shop, &product).await,
        Some(44),
        "each order taken exactly once"
    );
    shop.run_consumer().await;
    assert_eq!(stock(&shop, &product).await, Some(44));
    let stats = consumer_stats(&shop).await;
    assert_eq!(
        (
            stats["streams"]["order_completed"]["pending"].clone(),
            stats["streams"]["order_completed"]["length"].clone()
        ),
        (0.into(), 0.into()),
        "{stats}"
    );
}
