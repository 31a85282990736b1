//! A payment whose background task never ran (eviction, deploy) is completed by the scheduled run.

use std::time::Duration;

use dev_stack::{Shop, ShopVars};
use shop_tests::*;

#[tokio::test]
async fn the_scheduled_run_completes_a_lost_payment() {
    // Due 200 ms after it is placed; lost 300 ms after that.
    let shop = Shop::start(ShopVars {
        payment: &[("PAYMENT_DELAY_MS", "200"), ("FAULTS", "skip_payment_completion")],
        consumer: &[("PAYMENT_GRACE_MS", "300")],
        ..ShopVars::open()
    })
    .expect("the shop starts");
    let product = create_product(&shop, "Lost", 20.0, 10).await;
    let id = order(&shop, &product, 4).await.text("id");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        get_order(&shop, &id).await["status"],
        "pending",
        "its background task never ran"
    );

    shop.run_consumer().await;
    let order = get_order(&shop, &id).await;
    assert_eq!(order["status"], "completed");
    assert_eq!(
        stock(&shop, &product).await,
        Some(6),
        "and its stock followed in the same run"
    );
}
