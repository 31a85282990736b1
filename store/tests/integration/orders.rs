//! Placing, replaying, cancelling and paging orders against the real gateway and redis-server:
//! a cart of 1 or 50 lines is one round trip and one command; every line is reserved or none
//! (each short or unknown line named, nothing stored); the script's fee and total are domain's to
//! the cent; an `Idempotency-Key` replays the order as placed; the history pages newest first.

use crate::common::{assert_pages_add_up_to, clock, order_id, World};
use domain::idempotency::IdempotencyKey;
use domain::{Cents, FeeRate, Id, LineRequest, OrderStatus, PageRequest, Quantity};
use store::{Cancelled, Deleted, Placed, Placement, Shortage};
use upstash_rest::Command;

fn lines(of: &[(&Id, u64)]) -> Vec<LineRequest> {
    of.iter()
        .map(|(id, units)| LineRequest {
            product_id: (*id).clone(),
            quantity: Quantity::new(*units).unwrap(),
        })
        .collect()
}

/// How many orders the history holds and how many units are reserved in all.
async fn stored(w: &World) -> (i64, Vec<String>) {
    let orders = w
        .client
        .send(&Command::new("ZCARD").arg(w.keys.orders()))
        .await
        .unwrap();
    let reserved = w
        .client
        .send(&Command::new("HGETALL").arg(w.keys.reserved()))
        .await
        .unwrap();
    let reserved = reserved
        .into_array()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    (orders.as_int().unwrap(), reserved)
}

#[tokio::test]
async fn a_cart_of_one_or_fifty_lines_is_one_round_trip_and_one_command() {
    let w = World::new();
    let mut products = Vec::new();
    for n in 0..50u8 {
        products.push(w.product(n, 10).await);
    }
    let (one, spent) = w
        .stack
        .gateway
        .measure(w.place_at(1, &[(&products[0], 3)], clock()))
        .await;
    assert!(matches!(one, Placed::Created(_)), "{one:?}");
    assert_eq!((spent.requests, spent.commands), (1, 1));

    let all: Vec<(&Id, u64)> = products.iter().map(|p| (p, 2)).collect();
    let (cart, spent) = w.stack.gateway.measure(w.place_at(2, &all, clock())).await;
    let Placed::Created(cart) = cart else {
        panic!("{cart:?}")
    };
    assert_eq!((spent.requests, spent.commands), (1, 1), "50 lines, one EVAL");
    assert_eq!(cart.lines().len(), 50);
    assert_eq!(w.available(&products[0]).await, 5);
    assert_eq!(w.available(&products[49]).await, 8);
    let supplied: Vec<(&Id, u64)> = products.iter().map(|p| (p, 10)).collect();
    w.assert_books_balance(&supplied).await;
}

#[tokio::test]
async fn every_line_is_reserved_or_none_and_each_short_or_unknown_line_is_named() {
    let w = World::new();
    let (a, b, c) = (
        w.product(1, 5).await,
        w.product(2, 1).await,
        w.product(3, 0).await,
    );
    let before = stored(&w).await;
    let short = w.place_at(1, &[(&a, 5), (&b, 2), (&c, 1)], clock()).await;
    assert_eq!(
        short,
        Placed::Short(vec![
            Shortage {
                product_id: b.clone(),
                available: 1
            },
            Shortage {
                product_id: c.clone(),
                available: 0
            },
        ])
    );
    let ghost = Id::generate(9, [9; 10]);
    let ghost2 = Id::generate(8, [8; 10]);
    let unknown = w
        .place_at(2, &[(&a, 1), (&ghost, 1), (&ghost2, 1)], clock())
        .await;
    assert_eq!(unknown, Placed::UnknownProducts(vec![ghost, ghost2]));
    assert_eq!(stored(&w).await, before, "nothing stored, nothing reserved");
    assert_eq!(w.available(&a).await, 5);
    assert!(w.orders().get(&order_id(1)).await.unwrap().is_none());
}

/// The script's fee is `FeeRate::fee` to the cent (halves up) for every rate and price, and its
/// total the sum of `(price + fee) × quantity`; past 2^53 cents it refuses.
#[tokio::test]
async fn the_scripts_fee_and_total_are_the_domains_to_the_cent() {
    let w = World::new();
    let prices = [
        "0.01",
        "0.03",
        "0.05",
        "19.99",
        "20",
        "33.33",
        "999999.99",
        "1000000",
    ];
    let mut products = Vec::new();
    for (n, price) in prices.iter().enumerate() {
        products.push(w.product_at(n as u8, 1_000_000_000, price).await);
    }
    for (k, rate) in ["0", "0.2", "0.25", "0.0001", "0.1234", "0.5", "1"]
        .iter()
        .enumerate()
    {
        let rate = FeeRate::parse(rate).unwrap();
        let id = order_id(10 + k as u32);
        let order_lines = lines(&products.iter().map(|p| (p, 7)).collect::<Vec<_>>());
        let placement = Placement {
            id: &id,
            lines: &order_lines,
            fee_rate: rate,
            now_ms: clock(),
            due_ms: clock(),
            retry: None,
        };
        let Placed::Created(order) = w.orders().place(&placement).await.unwrap() else {
            panic!("placed")
        };
        let mut total = Cents::new(0);
        for line in order.lines() {
            assert_eq!(line.fee(), rate.fee(line.price()), "{rate:?} {:?}", line.price());
            assert_eq!(line.total(), line.price().plus(line.fee()).times(7));
            total = total.plus(line.total());
        }
        assert_eq!(order.total(), total);
        // The stored total (what the events carry) is the same number.
        let stored = w
            .client
            .send(&Command::new("HGET").arg(w.keys.order(id.as_str())).arg("total"))
            .await
            .unwrap();
        assert_eq!(stored.as_str(), Some(total.cents().to_string().as_str()));
    }
    // 1,000,000.00 × 2 (fee at rate 1) × 45,035,997 units > 2^53 cents; one unit fewer fits.
    let huge = lines(&[(&products[7], 45_035_997)]);
    let id = order_id(99);
    let placement = Placement {
        id: &id,
        lines: &huge,
        fee_rate: FeeRate::parse("1").unwrap(),
        now_ms: clock(),
        due_ms: clock(),
        retry: None,
    };
    assert_eq!(w.orders().place(&placement).await.unwrap(), Placed::TooLarge);
    let just = lines(&[(&products[7], 45_035_996)]);
    let placement = Placement {
        lines: &just,
        ..placement
    };
    assert!(matches!(
        w.orders().place(&placement).await.unwrap(),
        Placed::Created(_)
    ));
}

#[tokio::test]
async fn a_key_replays_the_order_as_placed_and_refuses_another_request() {
    let w = World::new();
    let (a, b) = (w.product(1, 10).await, w.product(2, 10).await);
    let key = IdempotencyKey::parse("checkout 1").unwrap();
    let cart = lines(&[(&a, 2), (&b, 1)]);
    let place = |id: Id, fingerprint: &'static str| {
        let w = &w;
        let key = &key;
        let cart = &cart;
        async move {
            let placement = Placement {
                id: &id,
                lines: cart,
                fee_rate: FeeRate::TUTORIAL,
                now_ms: clock(),
                due_ms: clock() + 5_000,
                retry: Some((key, fingerprint)),
            };
            w.orders().place(&placement).await.unwrap()
        }
    };
    let Placed::Created(first) = place(order_id(1), "fp").await else {
        panic!("placed")
    };
    // Its own retry (same order id) is the same order, placed once.
    assert_eq!(place(order_id(1), "fp").await, Placed::Replay(first.clone()));
    assert_eq!(w.available(&a).await, 8, "reserved once");

    // Paid and taken meanwhile, the product since deleted: the replay is still the first answer.
    w.orders()
        .complete(std::slice::from_ref(first.id()), clock())
        .await
        .unwrap();
    assert_eq!(w.delete(&a).await, Deleted::Done);
    let (replay, spent) = w.stack.gateway.measure(place(order_id(2), "fp")).await;
    assert_eq!(replay, Placed::Replay(first.clone()));
    assert_eq!(spent.requests, 1);
    assert_eq!(
        serde_json::to_string(&first).unwrap(),
        serde_json::to_string(&first.as_placed()).unwrap()
    );
    assert_eq!(place(order_id(3), "other").await, Placed::KeyReused);
}

#[tokio::test]
async fn cancelling_releases_every_line_once() {
    let w = World::new();
    let (a, b) = (w.product(1, 10).await, w.product(2, 10).await);
    let id = w.placed(1, &[(&a, 4), (&b, 6)]).await.id().clone();
    assert_eq!((w.available(&a).await, w.available(&b).await), (6, 4));
    let (done, spent) = w.stack.gateway.measure(w.orders().cancel(&id, clock())).await;
    let Cancelled::Done(order) = done.unwrap() else {
        panic!("cancelled")
    };
    assert_eq!(spent.requests, 1);
    assert_eq!(order.status(), OrderStatus::Cancelled);
    assert_eq!((w.available(&a).await, w.available(&b).await), (10, 10));
    assert_eq!(
        w.orders().cancel(&id, clock()).await.unwrap(),
        Cancelled::NotCancellable(Some(OrderStatus::Cancelled))
    );
    assert_eq!(
        w.orders().cancel(&order_id(7), clock()).await.unwrap(),
        Cancelled::Unknown
    );
    assert_eq!((w.available(&a).await, w.available(&b).await), (10, 10));
    w.assert_books_balance(&[(&a, 10), (&b, 10)]).await;
}

#[tokio::test]
async fn the_history_pages_newest_first_through_ties() {
    let w = World::new();
    let product = w.product(1, 100).await;
    for n in 1..=11u32 {
        // Three orders per millisecond: pages must split ties (by id, descending) exactly.
        let created = 5_000 + u64::from(n) / 3;
        assert!(matches!(
            w.place_at(n, &[(&product, 1)], created).await,
            Placed::Created(_)
        ));
    }
    let all = w
        .orders()
        .recent(&PageRequest::parse(Some("500"), None, 50).unwrap())
        .await
        .unwrap();
    assert_eq!(all.next, None);
    let ids: Vec<&Id> = all.items.iter().map(|o| o.id()).collect();
    let mut expected = ids.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(
        ids, expected,
        "newest first: by time, then by id, both descending"
    );

    assert_pages_add_up_to(&all.items, &w.stack, 2, |page| {
        let orders = w.orders();
        async move { orders.recent(&page).await }
    })
    .await;
}
