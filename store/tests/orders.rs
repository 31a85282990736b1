//! The order history in pages, newest first, against the real gateway and redis-server: pages add
//! up to the whole history, ties of creation time included, one round trip each.

mod common;

use common::{assert_pages_add_up_to, start};
use domain::{Cents, FeeRate, Id, Order, PageRequest, Pricing, Quantity};
use store::{Keys, Orders};

#[tokio::test]
async fn the_history_pages_newest_first_through_ties() {
    let (stack, client) = start();
    let keys = Keys::new("pages:");
    let orders = Orders::new(&client, &keys);
    let product = Id::generate(1, [9; 10]);
    for n in 1..=11u8 {
        // Three orders per millisecond: pages must split ties (by id, descending) exactly.
        let created = 5_000 + u64::from(n) / 3;
        let pricing = Pricing::new(
            Cents(100),
            Quantity::parse("q", &1.into(), 1).unwrap(),
            FeeRate::TUTORIAL,
        );
        let order = Order::place(
            Id::generate(created, [n; 10]),
            product.clone(),
            Quantity::parse("q", &1.into(), 1).unwrap(),
            pricing,
            created,
        );
        orders.create(&order, None, None).await.unwrap();
    }
    let all = orders
        .recent(&PageRequest::parse(Some("500"), None, 50).unwrap())
        .await
        .unwrap();
    assert_eq!(all.next, None);
    let ids: Vec<&Id> = all.items.iter().map(|o| &o.id).collect();
    let mut expected = ids.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(
        ids, expected,
        "newest first: by time, then by id, both descending"
    );

    assert_pages_add_up_to(&all.items, &stack, 2, |page| {
        let orders = &orders;
        async move { orders.recent(&page).await }
    })
    .await;
}
