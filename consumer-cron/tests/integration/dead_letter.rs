//! An event that can never apply ends in the dead-letter stream after 5 deliveries, and does not
//! hold up the others.

use shop_tests::*;
use store::schema::{dead_letter, event};
use store::Stream;
use upstash_rest::streams;

#[tokio::test]
async fn a_malformed_event_is_dead_lettered_after_five_deliveries() {
    let shop = reclaiming_shop();
    let product = create_product(&shop, "Fine", 20.0, 10).await;
    // An event that names no order (no `pk`): it can never apply.
    xadd(&shop, Stream::OrderCompleted, &[(event::QUANTITY, "lots")]).await;
    let id = order(&shop, &product, 2).await.text("id");
    settled(&shop, &id).await;
    stock_becomes(&shop, &product, 8).await;

    for _ in 0..6 {
        shop.run_consumer().await;
    }
    let stats = consumer_stats(&shop).await;
    let stream = &stats["streams"]["order_completed"];
    assert_eq!(
        (stream["dead_letters"].clone(), stream["pending"].clone()),
        (1.into(), 0.into()),
        "{stats}"
    );
    let dead = redis(&shop)
        .run(streams::xrange(
            keys().dead_letters(Stream::OrderCompleted),
            "-",
            "+",
            None,
        ))
        .await
        .unwrap();
    let entry = &dead[0];
    assert_eq!(
        (
            entry.get_str(dead_letter::REASON),
            entry.get_str(dead_letter::DELIVERIES),
            entry.get_str(event::QUANTITY)
        ),
        (Some(dead_letter::MALFORMED), Some("5"), Some("lots")),
        "kept with its fields, the reason and the deliveries"
    );
    assert_eq!(stock(&shop, &product).await, Some(8));
}
