//! Orders and the stream consumer against the real gateway and redis-server: the Lua scripts'
//! guarantees, checked where they are cheapest to set up. The same stories run end to end through
//! wrangler dev in the workers' tests.

use dev_stack::Stack;
use domain::{Cents, FeeRate, Id, NewProduct, Order, OrderStatus, Pricing, Quantity, RefundReason};
use serde_json::json;
use store::consumer::{Fault, Report, Settings};
use store::schema::event;
use store::{
    test_support, Cancelled, Consumer, Inventory, Keys, Orders, Placed, Reservation, Reservations,
    ReserveRequest, Stream,
};
use upstash_rest::{Client, Command, ReqwestTransport};

struct World {
    stack: Stack,
    client: Client<ReqwestTransport>,
    keys: Keys,
}

impl World {
    fn new() -> Self {
        let stack = Stack::start().unwrap();
        let client = test_support::client(&stack.gateway);
        Self {
            stack,
            client,
            keys: Keys::new("t:"),
        }
    }

    fn consumer(&self, settings: Settings) -> Consumer<'_, ReqwestTransport> {
        Consumer::new(&self.client, &self.keys, settings)
    }

    async fn product(&self, n: u8, quantity: u64) -> Id {
        let id = Id::generate(1_000 + u64::from(n), [n; 10]);
        let new = NewProduct::from_json(&json!({"name": format!("p{n}"), "price": 20, "quantity": quantity}))
            .unwrap();
        assert!(Inventory::new(&self.client, &self.keys)
            .create(&id, &new, 1)
            .await
            .unwrap());
        id
    }

    async fn stock(&self, id: &Id) -> Option<u64> {
        Inventory::new(&self.client, &self.keys)
            .get(id)
            .await
            .unwrap()
            .map(|p| p.quantity.0)
    }

    /// A paid order: placed, then completed (its event added).
    async fn paid_order(&self, n: u32, product: &Id, quantity: u64) -> Id {
        let id = Id::generate(
            2_000 + u64::from(n),
            (n as u128).to_be_bytes()[6..].try_into().unwrap(),
        );
        let pricing = Pricing::new(Cents(2000), Quantity(quantity), FeeRate::TUTORIAL);
        let order = Order::place(id.clone(), product.clone(), Quantity(quantity), pricing, 10);
        let orders = Orders::new(&self.client, &self.keys);
        orders.create(&order, None, None).await.unwrap();
        assert_eq!(orders.complete(std::slice::from_ref(&id), 20).await.unwrap(), 1);
        id
    }

    async fn order(&self, id: &Id) -> Order {
        Orders::new(&self.client, &self.keys)
            .get(id)
            .await
            .unwrap()
            .unwrap()
    }

    /// One run of the consumer with `settings`: 5 s of budget, no fault.
    async fn drain(&self, settings: Settings) -> Report {
        self.consumer(settings).drain(clock, 5_000, None).await.unwrap()
    }

    async fn xadd(&self, stream: Stream, fields: &[(&str, &str)]) {
        test_support::xadd(&self.client, &self.keys, stream, fields).await;
    }
}

fn clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn fast() -> Settings {
    Settings {
        reclaim_idle_ms: 0,
        ..Settings::default()
    }
}

#[tokio::test]
async fn completing_twice_adds_one_event_and_the_stock_is_taken_once() {
    let w = World::new();
    let product = w.product(1, 100).await;
    let order = w.paid_order(1, &product, 3).await;
    assert_eq!(
        Orders::new(&w.client, &w.keys)
            .complete(std::slice::from_ref(&order), 30)
            .await
            .unwrap(),
        0
    );
    assert_eq!(w.order(&order).await.status, OrderStatus::Completed);

    let report = w.drain(Settings::default()).await;
    assert_eq!((report.read, report.applied), (1, 1));
    assert_eq!(w.stock(&product).await, Some(97));
    // Run again: nothing new.
    let again = w.drain(Settings::default()).await;
    assert_eq!(again.read, 0);
    assert_eq!(w.stock(&product).await, Some(97));
}

#[tokio::test]
async fn a_replayed_event_changes_the_stock_once() {
    let w = World::new();
    let product = w.product(1, 10).await;
    let order = w.paid_order(1, &product, 2).await;
    w.drain(Settings::default()).await;
    assert_eq!(w.stock(&product).await, Some(8));
    let (o, p) = (order.to_string(), product.to_string());
    w.xadd(
        Stream::OrderCompleted,
        &[
            (event::ORDER_ID, &o),
            (event::PRODUCT_ID, &p),
            (event::QUANTITY, "2"),
            (event::STATUS, OrderStatus::Completed.as_str()),
        ],
    )
    .await;
    let report = w.drain(Settings::default()).await;
    assert_eq!((report.read, report.duplicates, report.applied), (1, 1, 0));
    assert_eq!(w.stock(&product).await, Some(8));
}

#[tokio::test]
async fn deleted_product_and_short_stock_are_refunded_with_their_reason() {
    let w = World::new();
    let gone = w.product(1, 10).await;
    let short = w.product(2, 1).await;
    let a = w.paid_order(1, &gone, 1).await;
    let b = w.paid_order(2, &short, 2).await;
    assert!(Inventory::new(&w.client, &w.keys).delete(&gone).await.unwrap());
    let report = w.drain(Settings::default()).await;
    assert_eq!(
        (report.refund_requests, report.refunded, report.applied),
        (2, 2, 0)
    );
    let (a, b) = (w.order(&a).await, w.order(&b).await);
    assert_eq!(
        (a.status, a.refund_reason),
        (OrderStatus::Refunded, Some(RefundReason::ProductDeleted))
    );
    assert_eq!(
        (b.status, b.refund_reason),
        (OrderStatus::Refunded, Some(RefundReason::InsufficientStock))
    );
    assert_eq!(w.stock(&short).await, Some(1), "stock untouched");
}

#[tokio::test]
async fn a_crash_after_reading_loses_nothing_and_doubles_nothing() {
    let w = World::new();
    let product = w.product(1, 50).await;
    for n in 0..5 {
        w.paid_order(n, &product, 1).await;
    }
    let crashed = w
        .consumer(fast())
        .drain(clock, 5_000, Some(Fault::CrashAfterRead))
        .await;
    assert!(crashed.is_err());
    assert_eq!(w.stock(&product).await, Some(50), "nothing applied");
    let (stats, _) = w.consumer(fast()).stats(0).await.unwrap();
    assert_eq!(stats[0].1.pending, 5, "read but not acknowledged");

    let report = w.drain(fast()).await;
    assert_eq!(report.applied, 5, "reclaimed and applied");
    assert_eq!(w.stock(&product).await, Some(45));
    let (stats, _) = w.consumer(fast()).stats(0).await.unwrap();
    assert_eq!(
        (stats[0].1.pending, stats[0].1.length),
        (0, 0),
        "acknowledged and trimmed"
    );
}

#[tokio::test]
async fn a_malformed_event_is_dead_lettered_after_five_deliveries_without_blocking_others() {
    let w = World::new();
    let product = w.product(1, 10).await;
    w.xadd(
        Stream::OrderCompleted,
        &[(event::ORDER_ID, "garbage"), (event::QUANTITY, "many")],
    )
    .await;
    w.paid_order(1, &product, 1).await;
    let consumer = w.consumer(fast());
    let first = consumer.drain(clock, 5_000, None).await.unwrap();
    assert_eq!(
        (first.applied, first.held),
        (1, 1),
        "the good event does not wait"
    );
    for delivery in 2..=5 {
        let report = consumer.drain(clock, 5_000, None).await.unwrap();
        let expected = if delivery == 5 { (0, 1) } else { (1, 0) };
        assert_eq!(
            (report.held, report.dead_lettered),
            expected,
            "delivery {delivery}"
        );
    }
    let (stats, last_run) = consumer.stats(0).await.unwrap();
    assert_eq!((stats[0].1.dead_letters, stats[0].1.pending), (1, 0));
    assert!(last_run.is_some());
    assert_eq!(w.stock(&product).await, Some(9));
}

#[tokio::test]
async fn a_run_of_100_events_is_one_round_trip_and_an_idle_run_one_command() {
    let w = World::new();
    let product = w.product(1, 1_000).await;
    for n in 0..100 {
        w.paid_order(n, &product, 1).await;
    }
    w.consumer(Settings::default()).ensure_groups().await.unwrap();
    let consumer = w.consumer(Settings::default());
    let (report, spent) = w.stack.gateway.measure(consumer.drain(clock, 10_000, None)).await;
    let report = report.unwrap();
    assert_eq!((report.applied, report.batches), (100, 1));
    assert_eq!(
        (spent.requests, spent.commands),
        (1, 1),
        "reclaim, read, apply, trim, sweep: one EVAL"
    );
    assert_eq!(w.stock(&product).await, Some(900));

    let (idle, spent) = w.stack.gateway.measure(consumer.drain(clock, 10_000, None)).await;
    assert_eq!(idle.unwrap().read, 0);
    assert_eq!((spent.requests, spent.commands), (1, 1), "an idle run");
    let (_, last_run) = consumer.stats(clock()).await.unwrap();
    assert_eq!(last_run.map(|r| r.outcome), Some("ok".to_owned()));
}

#[tokio::test]
async fn more_than_a_batch_takes_one_round_trip_per_batch() {
    let w = World::new();
    let product = w.product(1, 1_000).await;
    for n in 0..25 {
        w.paid_order(n, &product, 1).await;
    }
    let consumer = w.consumer(Settings {
        batch_size: 10,
        ..Settings::default()
    });
    let (report, spent) = w.stack.gateway.measure(consumer.drain(clock, 10_000, None)).await;
    let report = report.unwrap();
    assert_eq!((report.applied, report.batches), (25, 3));
    assert_eq!(
        spent.requests, 3,
        "10 + 10 + 5: the last run knows nothing is left"
    );
    assert_eq!(w.stock(&product).await, Some(975));
}

#[tokio::test]
async fn malformed_events_are_held_whatever_is_wrong_with_them() {
    let w = World::new();
    let id = Id::generate(1, [1; 10]).to_string();
    let bad: [&[(&str, &str)]; 4] = [
        &[
            (event::ORDER_ID, &id),
            (event::PRODUCT_ID, &id),
            (event::QUANTITY, "abc"),
        ],
        &[
            (event::ORDER_ID, &id),
            (event::PRODUCT_ID, &id),
            (event::QUANTITY, "0"),
        ],
        &[
            (event::ORDER_ID, &id),
            (event::PRODUCT_ID, &id),
            (event::QUANTITY, "1.5"),
        ],
        &[(event::PRODUCT_ID, &id), (event::QUANTITY, "1")],
    ];
    for fields in bad {
        w.xadd(Stream::OrderCompleted, fields).await;
    }
    w.xadd(
        Stream::RefundOrder,
        &[(event::ORDER_ID, &id), (event::REFUND_REASON, "bored")],
    )
    .await;
    let report = w.consumer(fast()).drain(clock, 5_000, None).await.unwrap();
    assert_eq!(
        (report.read, report.held, report.applied),
        (5, 5, 0),
        "{report:?}"
    );
}

#[tokio::test]
async fn the_sweep_completes_lost_payments() {
    let w = World::new();
    let product = w.product(1, 10).await;
    let id = Id::generate(5_000, [9; 10]);
    let pricing = Pricing::new(Cents(2000), Quantity(1), FeeRate::TUTORIAL);
    let placed_at = clock() - 60_000;
    let order = Order::place(id.clone(), product.clone(), Quantity(1), pricing, placed_at);
    Orders::new(&w.client, &w.keys)
        .create(&order, None, None)
        .await
        .unwrap();
    let report = w.drain(Settings::default()).await;
    assert_eq!((report.payments_recovered, report.applied), (1, 1));
    assert_eq!(w.order(&id).await.status, OrderStatus::Completed);
    assert_eq!(w.stock(&product).await, Some(9));
}

#[tokio::test]
async fn damaged_data_and_forged_refunds_do_not_stop_the_batch() {
    let w = World::new();
    let product = w.product(1, 10).await;
    let broken = w.product(2, 10).await;
    // Someone overwrote a product's hash with a string: taking its stock would raise in Lua.
    w.client
        .send(&Command::new("DEL").arg(w.keys.product(broken.as_str())))
        .await
        .unwrap();
    w.client
        .send(
            &Command::new("SET")
                .arg(w.keys.product(broken.as_str()))
                .arg("oops"),
        )
        .await
        .unwrap();
    let taken = w.paid_order(1, &product, 1).await;
    w.paid_order(2, &broken, 1).await;
    let report = w.drain(fast()).await;
    assert_eq!((report.applied, report.held), (1, 1), "{report:?}");

    // A refund nobody asked for, for an order whose stock was taken.
    let o = taken.to_string();
    w.xadd(
        Stream::RefundOrder,
        &[
            (event::ORDER_ID, &o),
            (event::REFUND_REASON, RefundReason::ProductDeleted.as_str()),
        ],
    )
    .await;
    let report = w.drain(fast()).await;
    assert_eq!(report.refunded, 0, "{report:?}");
    assert_eq!(w.order(&taken).await.status, OrderStatus::Completed);
    assert_eq!(w.stock(&product).await, Some(9));
}

impl World {
    /// An order placed as the payment worker places it: stock reserved, then the order stored.
    async fn reserved_order(&self, n: u32, product: &Id, quantity: u64) -> Id {
        let id = Id::generate(3_000 + u64::from(n), [n as u8; 10]);
        let request = ReserveRequest::new((&id, product, Quantity(quantity)), None);
        let reserve = request.parse().unwrap();
        // Now: an order placed long ago would be completed by the lost-payment sweep.
        let now = clock();
        let reserved = Reservations::new(&self.client, &self.keys)
            .reserve(&reserve, now)
            .await
            .unwrap();
        assert!(matches!(reserved, Reservation::Reserved { .. }), "{reserved:?}");
        let pricing = Pricing::new(Cents(2000), Quantity(quantity), FeeRate::TUTORIAL);
        let order = Order::place(id.clone(), product.clone(), Quantity(quantity), pricing, now);
        let placed = Orders::new(&self.client, &self.keys)
            .create(&order, Some(&reserve.hold), None)
            .await
            .unwrap();
        assert_eq!(placed, Placed::Created);
        id
    }

    async fn available(&self, id: &Id) -> u64 {
        Inventory::new(&self.client, &self.keys)
            .get(id)
            .await
            .unwrap()
            .unwrap()
            .available
            .0
    }
}

#[tokio::test]
async fn an_order_without_a_reservation_cannot_take_units_reserved_for_another() {
    let w = World::new();
    let product = w.product(1, 5).await;
    // Placed before reservations existed (no hold), paid, not yet applied.
    let old = w.paid_order(1, &product, 5).await;
    let new = w.reserved_order(2, &product, 5).await;
    Orders::new(&w.client, &w.keys)
        .complete(std::slice::from_ref(&new), 20)
        .await
        .unwrap();
    let report = w.consumer(fast()).drain(clock, 5_000, None).await.unwrap();
    assert_eq!((report.applied, report.refunded), (1, 1), "{report:?}");
    let old = w.order(&old).await;
    assert_eq!(
        (old.status, old.refund_reason),
        (OrderStatus::Refunded, Some(RefundReason::InsufficientStock))
    );
    assert_eq!(w.order(&new).await.status, OrderStatus::Completed);
    assert_eq!(
        (w.stock(&product).await, w.available(&product).await),
        (Some(0), 0)
    );
}

#[tokio::test]
async fn only_a_paid_order_takes_stock_and_a_cancelled_one_never() {
    let w = World::new();
    let product = w.product(1, 10).await;
    let id = w.reserved_order(1, &product, 2).await;
    let (o, p) = (id.to_string(), product.to_string());
    let replayed = [
        (event::ORDER_ID, o.as_str()),
        (event::PRODUCT_ID, p.as_str()),
        (event::QUANTITY, "2"),
        (event::STATUS, OrderStatus::Completed.as_str()),
    ];
    w.xadd(Stream::OrderCompleted, &replayed).await;
    let report = w.consumer(fast()).drain(clock, 5_000, None).await.unwrap();
    assert_eq!((report.held, report.applied), (1, 0), "still pending: it waits");
    assert_eq!(w.stock(&product).await, Some(10));

    let cancelled = Orders::new(&w.client, &w.keys).cancel(&id, 30).await.unwrap();
    assert!(matches!(cancelled, Cancelled::Done(_)), "{cancelled:?}");
    let report = w.consumer(fast()).drain(clock, 5_000, None).await.unwrap();
    assert_eq!((report.duplicates, report.applied), (1, 0), "{report:?}");
    assert_eq!(
        (w.stock(&product).await, w.available(&product).await),
        (Some(10), 10)
    );
}
