//! The payment worker dies between reserving the stock and storing the order (a test-only fault
//! switch): the units are out of sale only until the consumer's sweep gives them back.

use dev_stack::{Shop, ShopVars};
use shop_tests::*;

#[tokio::test]
async fn a_reservation_whose_order_was_never_stored_is_released_by_the_sweep() {
    // The sweep releases holds older than PAYMENT_DELAY_MS + PAYMENT_GRACE_MS: 1 s here.
    let shop = Shop::start(ShopVars {
        payment: &[("FAULTS", "crash_after_reserve")],
        consumer: &[("PAYMENT_DELAY_MS", "500"), ("PAYMENT_GRACE_MS", "500")],
        ..ShopVars::default()
    })
    .expect("the shop starts");
    let product = create_product(&shop, "Stranded", 4.0, 10).await;

    let lost = order(&shop, &product, 3).await;
    assert_eq!(lost.status, 503, "{}", lost.raw);
    assert_eq!(
        available(&shop, &product).await,
        Some(7),
        "reserved, with no order"
    );
    assert_books_balance(&shop, &[(&product, 10)], 60_000).await;

    eventually("the sweep to release it", || async {
        shop.run_consumer().await;
        (available(&shop, &product).await == Some(10)).then_some(())
    })
    .await;
    assert_eq!(stock(&shop, &product).await, Some(10));
    assert_books_balance(&shop, &[(&product, 10)], 60_000).await;
}
