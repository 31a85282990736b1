//! Orders and the stream consumer against the real gateway and redis-server: the Lua scripts'
//! guarantees for carts of one or several lines, checked where they are cheapest to set up
//! (exactly once, crash after reading, dead letters, lost payments, deleted products, damaged
//! data, only a paid order takes stock). The same stories run end to end through wrangler dev in
//! the workers' tests.

use crate::common::{clock, World};
use domain::{Id, OrderStatus, RefundReason};
use store::consumer::{Fault, Settings};
use store::schema::{event, order};
use store::{Cancelled, Deleted, Placed, Stream};

fn fast() -> Settings {
    Settings {
        reclaim_idle_ms: 0,
        ..Settings::default()
    }
}

#[tokio::test]
async fn completing_twice_adds_one_event_and_every_line_is_taken_once() {
    let w = World::new();
    let (a, b) = (w.product(1, 100).await, w.product(2, 10).await);
    let order = w.paid_order(1, &[(&a, 3), (&b, 2)]).await;
    assert_eq!(
        w.orders()
            .complete(std::slice::from_ref(&order), 30)
            .await
            .unwrap(),
        0
    );
    assert_eq!(w.order(&order).await.status(), OrderStatus::Completed);

    let report = w.drain(Settings::default()).await;
    assert_eq!((report.read, report.applied), (1, 1));
    assert_eq!((w.stock(&a).await, w.stock(&b).await), (Some(97), Some(8)));
    assert_eq!((w.available(&a).await, w.available(&b).await), (97, 8));
    // Run again: nothing new.
    let again = w.drain(Settings::default()).await;
    assert_eq!(again.read, 0);
    assert_eq!(w.stock(&a).await, Some(97));
    w.assert_books_balance(&[(&a, 100), (&b, 10)]).await;
}

#[tokio::test]
async fn a_replayed_event_changes_the_stock_once() {
    let w = World::new();
    let (product, order) = w.taken_order().await;
    w.completed_event(&order).await;
    let report = w.drain(Settings::default()).await;
    assert_eq!((report.read, report.duplicates, report.applied), (1, 1, 0));
    assert_eq!(w.stock(&product).await, Some(8));
}

#[tokio::test]
async fn a_deleted_product_refunds_the_whole_cart_and_releases_every_line() {
    let w = World::new();
    let (gone, kept) = (w.product(1, 10).await, w.product(2, 5).await);
    let cart = w.paid_order(1, &[(&gone, 1), (&kept, 4)]).await;
    assert_eq!(w.available(&kept).await, 1, "reserved when placed");
    assert_eq!(w.delete(&gone).await, Deleted::Done);
    let report = w.drain(Settings::default()).await;
    assert_eq!(
        (report.refund_requests, report.refunded, report.applied),
        (1, 1, 0)
    );
    let refunded = w.order(&cart).await;
    assert_eq!(
        (refunded.status(), refunded.refund_reason()),
        (OrderStatus::Refunded, Some(RefundReason::ProductDeleted))
    );
    assert_eq!(
        (w.stock(&kept).await, w.available(&kept).await),
        (Some(5), 5),
        "nothing taken, its reservation released"
    );
    w.assert_books_balance(&[(&kept, 5)]).await;
}

#[tokio::test]
async fn a_crash_after_reading_loses_nothing_and_doubles_nothing() {
    let w = World::new();
    let (a, b) = (w.product(1, 50).await, w.product(2, 50).await);
    for n in 0..5 {
        w.paid_order(n, &[(&a, 1), (&b, 2)]).await;
    }
    let crashed = w
        .consumer(fast())
        .drain(clock, 5_000, Some(Fault::CrashAfterRead))
        .await;
    assert!(crashed.is_err());
    assert_eq!(w.stock(&a).await, Some(50), "nothing applied");
    let (stats, _) = w.consumer(fast()).stats(0).await.unwrap();
    assert_eq!(stats[0].1.pending, 5, "read but not acknowledged");

    let report = w.drain(fast()).await;
    assert_eq!(report.applied, 5, "reclaimed and applied");
    assert_eq!((w.stock(&a).await, w.stock(&b).await), (Some(45), Some(40)));
    let (stats, _) = w.consumer(fast()).stats(0).await.unwrap();
    assert_eq!(
        (stats[0].1.pending, stats[0].1.length),
        (0, 0),
        "acknowledged and trimmed"
    );
    w.assert_books_balance(&[(&a, 50), (&b, 50)]).await;
}

#[tokio::test]
async fn a_malformed_event_is_dead_lettered_after_five_deliveries_without_blocking_others() {
    let w = World::new();
    let product = w.product(1, 10).await;
    w.xadd(Stream::OrderCompleted, &[(event::QUANTITY, "many")]).await;
    w.paid_order(1, &[(&product, 1)]).await;
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
        w.paid_order(n, &[(&product, 1)]).await;
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
        w.paid_order(n, &[(&product, 1)]).await;
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
    let unknown = Id::generate(1, [1; 10]).to_string();
    let bad: [&[(&str, &str)]; 3] = [
        &[(event::PRODUCT_ID, &unknown), (event::QUANTITY, "1")],
        &[(event::ORDER_ID, "")],
        &[(event::ORDER_ID, &unknown)],
    ];
    for fields in bad {
        w.xadd(Stream::OrderCompleted, fields).await;
    }
    w.xadd(
        Stream::RefundOrder,
        &[(event::ORDER_ID, &unknown), (event::REFUND_REASON, "bored")],
    )
    .await;
    let report = w.consumer(fast()).drain(clock, 5_000, None).await.unwrap();
    assert_eq!(
        (report.read, report.held, report.applied),
        (4, 4, 0),
        "{report:?}"
    );
}

#[tokio::test]
async fn the_sweep_completes_payments_long_past_their_due_time() {
    let w = World::new();
    let product = w.product(1, 10).await;
    // Placed a minute ago: due 55 s ago, past the 30 s grace.
    let Placed::Created(lost) = w.place_at(1, &[(&product, 1)], clock() - 60_000).await else {
        panic!("placed")
    };
    // Due a moment ago: within its grace, its own task may still complete it.
    let Placed::Created(recent) = w.place_at(2, &[(&product, 1)], clock() - 6_000).await else {
        panic!("placed")
    };
    let report = w.drain(Settings::default()).await;
    assert_eq!((report.payments_recovered, report.applied), (1, 1));
    assert_eq!(w.order(lost.id()).await.status(), OrderStatus::Completed);
    assert_eq!(w.order(recent.id()).await.status(), OrderStatus::Pending);
    assert_eq!(w.stock(&product).await, Some(9));
}

#[tokio::test]
async fn damaged_data_and_forged_refunds_do_not_stop_the_batch() {
    let w = World::new();
    let product = w.product(1, 10).await;
    let broken = w.product(2, 10).await;
    let taken = w.paid_order(1, &[(&product, 1)]).await;
    w.paid_order(2, &[(&broken, 1)]).await;
    // Someone overwrote a product's hash with a string: taking its stock would raise in Lua.
    let key = w.keys.product(broken.as_str());
    w.redis(&["DEL", &key]).await;
    w.redis(&["SET", &key, "oops"]).await;
    let report = w.drain(fast()).await;
    assert_eq!((report.applied, report.held), (1, 1), "{report:?}");

    // A refund nobody asked for, for an order whose stock was taken.
    w.refund_event(&taken, RefundReason::ProductDeleted).await;
    let report = w.drain(fast()).await;
    assert_eq!(report.refunded, 0, "{report:?}");
    assert_eq!(w.order(&taken).await.status(), OrderStatus::Completed);
    assert_eq!(w.stock(&product).await, Some(9));
}

#[tokio::test]
async fn an_order_with_a_damaged_line_is_held_and_takes_nothing() {
    let w = World::new();
    let (a, b) = (w.product(1, 10).await, w.product(2, 10).await);
    let cart = w.paid_order(1, &[(&a, 1), (&b, 1)]).await;
    let line = order::line_field(2, order::LINE_QUANTITY);
    w.redis(&["HDEL", &w.keys.order(cart.as_str()), &line]).await;
    let report = w.drain(fast()).await;
    assert_eq!((report.held, report.applied), (1, 0), "{report:?}");
    assert_eq!((w.stock(&a).await, w.stock(&b).await), (Some(10), Some(10)));
}

#[tokio::test]
async fn only_a_paid_order_takes_stock_and_a_cancelled_one_never() {
    let w = World::new();
    let (a, b) = (w.product(1, 10).await, w.product(2, 10).await);
    let id = w.placed(1, &[(&a, 2), (&b, 3)]).await.id().clone();
    w.completed_event(&id).await;
    let report = w.drain(fast()).await;
    assert_eq!((report.held, report.applied), (1, 0), "still pending: it waits");
    assert_eq!(w.stock(&a).await, Some(10));

    let cancelled = w.orders().cancel(&id, 30).await.unwrap();
    assert!(matches!(cancelled, Cancelled::Done(_)), "{cancelled:?}");
    let report = w.drain(fast()).await;
    assert_eq!((report.duplicates, report.applied), (1, 0), "{report:?}");
    assert_eq!(
        (w.stock(&a).await, w.available(&a).await, w.available(&b).await),
        (Some(10), 10, 10),
        "every line released"
    );
    w.assert_books_balance(&[(&a, 10), (&b, 10)]).await;
}
