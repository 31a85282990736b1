//! The same event delivered twice changes the stock once: replayed by hand into the stream, or
//! left pending by a reader that died and reclaimed later.

use domain::OrderStatus;
use shop_tests::*;
use store::schema::event;
use store::Stream;
use upstash_rest::streams;

#[tokio::test]
async fn a_replayed_and_a_reclaimed_event_change_the_stock_once() {
    let shop = reclaiming_shop();
    let product = create_product(&shop, "Once", 20.0, 100).await;
    let placed = order(&shop, &product, 3).await;
    let id = placed.text("id");
    settled(&shop, &id).await;
    stock_becomes(&shop, &product, 97).await;

    // Replay by hand: the same order's event again.
    let fields = [
        (event::ORDER_ID, id.as_str()),
        (event::PRODUCT_ID, product.as_str()),
        (event::PRICE, "2000"),
        (event::FEE, "400"),
        (event::TOTAL, "7200"),
        (event::QUANTITY, "3"),
        (event::STATUS, OrderStatus::Completed.as_str()),
    ];
    xadd(&shop, Stream::OrderCompleted, &fields).await;
    shop.run_consumer().await;
    assert_eq!(
        stock(&shop, &product).await,
        Some(97),
        "the replay changed nothing"
    );

    // Another reader takes the replayed event again and dies without acknowledging it.
    xadd(&shop, Stream::OrderCompleted, &fields).await;
    let key = keys().stream(Stream::OrderCompleted);
    let taken = redis(&shop)
        .run(streams::xreadgroup(
            Stream::OrderCompleted.group(),
            "a-reader-that-dies",
            &key,
            ">",
            10,
        ))
        .await
        .unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(
        consumer_stats(&shop).await["streams"]["order_completed"]["pending"],
        1
    );
    shop.run_consumer().await;
    let stats = consumer_stats(&shop).await;
    assert_eq!(
        stats["streams"]["order_completed"]["pending"], 0,
        "reclaimed and acknowledged: {stats}"
    );
    assert_eq!(stock(&shop, &product).await, Some(97), "still taken once");
}
