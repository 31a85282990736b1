//! The order history in pages, newest first, against the real gateway and redis-server: pages add
//! up to the whole history, ties of creation time included, one round trip each.

use dev_stack::Stack;
use domain::{Cents, FeeRate, Id, Order, PageRequest, Pricing, Quantity};
use store::test_support::client;
use store::{Keys, Orders};

#[tokio::test]
async fn the_history_pages_newest_first_through_ties() {
    let stack = Stack::start().unwrap();
    let client = client(&stack.gateway);
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

    let mut page = PageRequest::parse(Some("2"), None, 50).unwrap();
    let mut paged = Vec::new();
    loop {
        let (result, spent) = stack.gateway.measure(orders.recent(&page)).await;
        let result = result.unwrap();
        assert_eq!(spent.requests, 1, "one round trip per page");
        paged.extend(result.items);
        match result.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    assert_eq!(
        paged, all.items,
        "pages of 2 add up to the whole history, nothing twice"
    );
}
