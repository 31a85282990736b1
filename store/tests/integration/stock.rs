//! Stock you can audit, against the real gateway and redis-server: adjustments by delta never
//! lose a sale or another adjustment (100 concurrent restocks interleaved with orders, their
//! payments and consumer runs end at the exact count); `If-Match` changes only the version it
//! names (a stale tag changes nothing, and answers the current one); every change of on hand is a
//! ledger entry written by the same script, paged newest first at one round trip a page, and the
//! ledger's changes add up to on hand after a concurrent mix of sales, adjustments and PATCHes; a
//! deleted product's ledger stays, saying what the deletion removed.

use crate::common::{clock, World};
use domain::{Adjustment, AdjustmentReason, Condition, ETag, EntryPageRequest, LedgerReason, ProductPatch};
use futures_util::future::{join_all, BoxFuture, FutureExt};
use serde_json::json;
use store::consumer::Settings;
use store::schema::LEDGER_RETENTION_S;
use store::{Change, Changed, Deleted, Placed};
use upstash_rest::Command;

fn adjustment(body: serde_json::Value) -> Adjustment {
    Adjustment::from_json(&body).unwrap()
}

fn product_of(changed: Changed) -> domain::Product {
    match changed {
        Changed::Done(product) => product,
        other => panic!("not done: {other:?}"),
    }
}

#[tokio::test]
async fn an_adjustment_adds_to_on_hand_in_one_round_trip_and_its_ledger_says_why() {
    let w = World::new();
    let id = w.product(1, 10).await;
    assert_eq!(
        w.inventory().get(&id).await.unwrap().unwrap().etag,
        ETag::new(1, 0)
    );
    let restock = adjustment(json!({"delta": 5, "reason": "restock", "note": "pallet 7"}));
    let (done, spent) = w
        .stack
        .gateway
        .measure(w.inventory().adjust(Change::new(&id, None, clock()), &restock))
        .await;
    let product = product_of(done.unwrap());
    assert_eq!(
        (product.quantity.get(), product.available.get(), product.etag),
        (15, 15, ETag::new(2, 0))
    );
    assert_eq!(
        (spent.requests, spent.commands),
        (1, 1),
        "one round trip, one command"
    );

    let ledger = w.ledger(&id).await;
    let newest = &ledger[0];
    assert_eq!(
        (newest.reason, newest.change, newest.quantity_after),
        (LedgerReason::Adjustment, 5, 15)
    );
    assert_eq!(newest.adjustment_reason, Some(AdjustmentReason::Restock));
    assert_eq!(newest.note.as_ref().map(|n| n.as_str()), Some("pallet 7"));
    assert_eq!(
        (ledger[1].reason, ledger[1].change, ledger[1].quantity_after),
        (LedgerReason::Created, 10, 10)
    );
    assert_eq!(ledger.len(), 2);
    w.assert_books_balance(&[(&id, 15)]).await;
}

#[tokio::test]
async fn an_adjustment_never_takes_on_hand_below_reserved_below_zero_or_past_the_maximum() {
    let w = World::new();
    let id = w.product(1, 10).await;
    w.placed(1, &[(&id, 4)]).await;
    let before = w.inventory().get(&id).await.unwrap().unwrap();
    assert_eq!(
        before.etag,
        ETag::new(1, 4),
        "an order changes the tag's reserved half"
    );
    for (delta, refused) in [
        (-7, Changed::BelowReserved(4)),
        (-11, Changed::BelowZero(10)),
        (1_000_000_000, Changed::AboveMax(10)),
    ] {
        assert_eq!(w.adjust(&id, delta, "count").await, refused, "{delta}");
    }
    assert_eq!(
        w.inventory().get(&id).await.unwrap().unwrap(),
        before,
        "nothing changed"
    );
    assert_eq!(w.ledger(&id).await.len(), 1, "no entry for a refused change");
    // Down to exactly what is reserved is fine.
    assert_eq!(product_of(w.adjust(&id, -6, "damaged").await).quantity.get(), 4);
}

#[tokio::test]
async fn if_match_changes_only_the_version_it_names() {
    let w = World::new();
    let id = w.product(1, 10).await;
    let first = w.inventory().get(&id).await.unwrap().unwrap().etag;
    let restock = ProductPatch::from_json(&json!({"quantity": 20})).unwrap();
    let current = |tag: ETag| Condition::OneOf(vec![tag]);

    // Someone else changed it since the tag was read.
    let renamed = ProductPatch::from_json(&json!({"name": "Gadget"})).unwrap();
    let second = product_of(
        w.inventory()
            .patch(Change::new(&id, None, clock()), &renamed)
            .await
            .unwrap(),
    )
    .etag;
    assert_eq!(second, ETag::new(2, 0));
    let (stale, spent) = w
        .stack
        .gateway
        .measure(
            w.inventory()
                .patch(Change::new(&id, Some(&current(first)), clock()), &restock),
        )
        .await;
    assert_eq!(
        stale.unwrap(),
        Changed::Stale(second),
        "the current tag comes back"
    );
    assert_eq!(spent.requests, 1, "a conditional PATCH is one round trip");
    assert_eq!(w.stock(&id).await, Some(10), "nothing changed");
    let minus = adjustment(json!({"delta": -1, "reason": "damaged"}));
    assert_eq!(
        w.inventory()
            .adjust(Change::new(&id, Some(&current(first)), clock()), &minus)
            .await
            .unwrap(),
        Changed::Stale(second)
    );
    assert_eq!(
        w.inventory()
            .delete(Change::new(&id, Some(&current(first)), clock()))
            .await
            .unwrap(),
        Deleted::Stale(second)
    );
    assert_eq!(
        w.inventory()
            .patch(
                Change::new(&id, Some(&Condition::OneOf(vec![])), clock()),
                &restock
            )
            .await
            .unwrap(),
        Changed::Stale(second),
        "a tag that is not ours never matches"
    );

    // With the current tag (among others), or any (`*`), it goes through.
    let either = Condition::OneOf(vec![first, second]);
    let third = product_of(
        w.inventory()
            .patch(Change::new(&id, Some(&either), clock()), &restock)
            .await
            .unwrap(),
    );
    assert_eq!((third.quantity.get(), third.etag), (20, ETag::new(3, 0)));
    let fourth = product_of(
        w.inventory()
            .adjust(Change::new(&id, Some(&Condition::Any), clock()), &minus)
            .await
            .unwrap(),
    );
    assert_eq!(fourth.etag, ETag::new(4, 0));

    // An order reserves without touching the hash: the tag changes all the same.
    w.placed(1, &[(&id, 2)]).await;
    assert_eq!(
        w.inventory()
            .delete(Change::new(&id, Some(&current(fourth.etag)), clock()))
            .await
            .unwrap(),
        Deleted::Stale(ETag::new(4, 2))
    );
    assert_eq!(
        w.inventory()
            .delete(Change::new(&id, Some(&current(ETag::new(4, 2))), clock()))
            .await
            .unwrap(),
        Deleted::Done
    );
}

#[tokio::test]
async fn the_ledger_pages_newest_first_at_one_round_trip_a_page() {
    let w = World::new();
    let id = w.product(1, 0).await;
    for n in 1..=11 {
        product_of(w.adjust(&id, n, "restock").await);
    }
    let whole = w.ledger(&id).await;
    assert_eq!(whole.len(), 12);
    let changes: Vec<i64> = whole.iter().map(|e| e.change).collect();
    assert_eq!(changes, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], "newest first");

    let mut page = EntryPageRequest {
        limit: 5,
        after: None,
    };
    let mut paged = Vec::new();
    loop {
        let (found, spent) = w.stack.gateway.measure(w.inventory().ledger(&id, &page)).await;
        let found = found.unwrap().unwrap();
        assert_eq!((spent.requests, spent.commands), (1, 1), "one XREVRANGE a page");
        assert!(found.items.len() <= 5);
        paged.extend(found.items);
        match found.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, whole, "pages of 5 add up to the ledger, nothing twice");

    // Cursors at either end of the id space are empty pages, not Redis errors.
    let before_all = EntryPageRequest {
        limit: 5,
        after: Some(domain::EntryId { ms: 0, seq: 0 }),
    };
    let empty = w.inventory().ledger(&id, &before_all).await.unwrap().unwrap();
    assert_eq!((empty.items.len(), empty.next), (0, None));

    let unknown = domain::Id::generate(9, [9; 10]);
    let first = EntryPageRequest {
        limit: 5,
        after: None,
    };
    assert_eq!(w.inventory().ledger(&unknown, &first).await.unwrap(), None);
}

#[tokio::test]
async fn a_deleted_products_ledger_stays_with_what_deleting_removed() {
    let w = World::new();
    let id = w.product(1, 7).await;
    assert_eq!(w.delete(&id).await, Deleted::Done);
    let ledger = w.ledger(&id).await;
    assert_eq!(
        (ledger[0].reason, ledger[0].change, ledger[0].quantity_after),
        (LedgerReason::Deleted, -7, 0)
    );
    let ttl = w
        .client
        .send(&Command::new("TTL").arg(w.keys.ledger(id.as_str())))
        .await
        .unwrap()
        .as_int()
        .unwrap();
    assert!(
        ttl > 0 && ttl as u64 <= LEDGER_RETENTION_S,
        "kept for the retention: {ttl} s"
    );
}

/// Places, pays and (sometimes) runs the consumer for order `n` of one unit of `id`.
async fn sale(w: &World, n: u32, id: &domain::Id) {
    let Placed::Created(order) = w.place_at(n, &[(id, 1)], clock()).await else {
        panic!("order {n} placed");
    };
    w.orders()
        .complete(std::slice::from_ref(order.id()), clock())
        .await
        .unwrap();
    if n.is_multiple_of(4) {
        w.drain(Settings::default()).await;
    }
}

#[tokio::test]
async fn a_hundred_concurrent_restocks_interleaved_with_orders_lose_nothing() {
    let w = World::new();
    let id = w.product(1, 50).await;
    let mut work: Vec<BoxFuture<'_, ()>> = Vec::new();
    for n in 0..100u32 {
        let (w, id) = (&w, &id);
        work.push(
            async move {
                product_of(w.adjust(id, 1, "restock").await);
            }
            .boxed(),
        );
        if n % 5 == 0 {
            work.push(sale(w, n / 5 + 1, id).boxed());
            work.push(sale(w, n / 5 + 100, id).boxed());
        }
    }
    join_all(work).await;
    w.drain(Settings::default()).await;
    // 50 + 100 restocked - 40 sold.
    assert_eq!(w.stock(&id).await, Some(110));
    let ledger = w.ledger(&id).await;
    assert_eq!(ledger.len(), 1 + 100 + 40, "one entry a change");
    assert_eq!(ledger.iter().map(|e| e.change).sum::<i64>(), 110);
    w.assert_books_balance(&[(&id, 150)]).await;
}

#[tokio::test]
async fn after_a_concurrent_mix_of_sales_adjustments_and_patches_the_ledger_adds_up_to_on_hand() {
    let w = World::new();
    let id = w.product(1, 100).await;
    let mut work: Vec<BoxFuture<'_, ()>> = Vec::new();
    for n in 0..30u32 {
        let (w, id) = (&w, &id);
        work.push(sale(w, n + 1, id).boxed());
        work.push(
            async move {
                let delta = if n % 3 == 0 { -1 } else { 2 };
                // A decrement may meet a reservation: refused is fine, lost is not.
                let _ = w.adjust(id, delta, "count").await;
            }
            .boxed(),
        );
        if n % 10 == 0 {
            work.push(
                async move {
                    let set = ProductPatch::from_json(&json!({"quantity": 80 + n})).unwrap();
                    let _ = w
                        .inventory()
                        .patch(Change::new(id, None, clock()), &set)
                        .await
                        .unwrap();
                }
                .boxed(),
            );
        }
    }
    join_all(work).await;
    w.drain(Settings::default()).await;
    let on_hand = w.stock(&id).await.unwrap() as i64;
    let ledger = w.ledger(&id).await;
    assert_eq!(ledger.iter().map(|e| e.change).sum::<i64>(), on_hand);
    assert_eq!(ledger[0].quantity_after, on_hand);
    assert!(ledger.iter().any(|e| e.reason == LedgerReason::Set));
    assert_eq!(
        ledger.iter().filter(|e| e.reason == LedgerReason::Order).count(),
        30,
        "every sale is an entry"
    );
    // The live audit agrees.
    let report = w
        .audit()
        .run(None, &crate::common::audit_settings())
        .await
        .unwrap();
    assert!(report.ok && report.complete, "{report:?}");
}
