//! The live books audit and its repair against the real gateway and redis-server: a clean shop
//! is `ok`; each kind of problem the audit claims to find is made on purpose (a direct Redis
//! write, as a script dying halfway or a bug would leave it) and named, with its product or
//! order, and nothing else is; pages of any size (a ledger continued across pages, an audit
//! continued across requests) find the same; a page costs one round trip; the repair rebuilds
//! `reserved` from the orders holding reservations, says what it changed, and changes nothing
//! the second time.

use std::collections::BTreeSet;

use crate::common::{audit_settings, clock, World};
use domain::Id;
use store::audit::{AuditReport, AuditSettings, Observed, Position, ProblemKind};
use store::consumer::Settings;
use store::schema::{ledger, order, product, stock};
use store::{Cancelled, Placed};

impl World {
    /// The whole audit, following `next` until it is complete.
    async fn audit_all(&self, settings: &AuditSettings) -> (AuditReport, u32) {
        let mut report = self.audit().run(None, settings).await.unwrap();
        let mut requests = 1;
        while let Some(next) = report.next.clone() {
            let at = Position::parse(&next).expect("a cursor the audit wrote");
            let more = self.audit().run(Some(&at), settings).await.unwrap();
            report.problems.extend(more.problems);
            report.checked.products += more.checked.products;
            report.checked.ledger_entries += more.checked.ledger_entries;
            report.checked.orders += more.checked.orders;
            report.next = more.next;
            requests += 1;
        }
        (report, requests)
    }
}

/// (kind, product or order) of each problem.
fn named(report: &AuditReport) -> BTreeSet<(ProblemKind, String)> {
    report
        .problems
        .iter()
        .map(|p| {
            let who = p.product_id.clone().or(p.order_id.clone()).unwrap_or_default();
            (p.kind, who)
        })
        .collect()
}

/// The books of `busy_shop`'s products: what each was supplied.
async fn assert_busy_books(w: &World, products: &[Id]) {
    let supplied: Vec<(&Id, u64)> = products.iter().zip([13, 23, 33, 43]).collect();
    w.assert_books_balance(&supplied).await;
}

/// A shop with a bit of everything: products restocked and sold, orders pending, paid and
/// applied, cancelled.
async fn busy_shop(w: &World) -> Vec<Id> {
    let products = vec![
        w.product(1, 10).await,
        w.product(2, 20).await,
        w.product(3, 30).await,
        w.product(4, 40).await,
    ];
    for p in &products {
        w.adjust(p, 3, "restock").await;
    }
    w.paid_order(1, &[(&products[0], 2), (&products[1], 1)]).await;
    w.drain(Settings::default()).await;
    w.paid_order(2, &[(&products[2], 1)]).await; // completed, not applied yet
    w.placed(3, &[(&products[3], 2)]).await; // pending
    let cancelled = w.placed(4, &[(&products[3], 1)]).await;
    assert!(matches!(
        w.orders().cancel(cancelled.id(), clock()).await.unwrap(),
        Cancelled::Done(_)
    ));
    products
}

#[tokio::test]
async fn a_clean_shop_is_ok_and_an_audit_page_costs_one_round_trip() {
    let w = World::new();
    let products = busy_shop(&w).await;
    let (report, spent) = w
        .stack
        .gateway
        .measure(w.audit().run(None, &audit_settings()))
        .await;
    let report = report.unwrap();
    assert!(report.ok && report.complete, "{report:?}");
    assert_eq!(report.next, None);
    let c = report.checked;
    assert_eq!((c.products, c.orders), (4, 4));
    assert_eq!(
        c.ledger_entries,
        4 * 2 + 2,
        "created, restock, and the two lines taken"
    );
    assert_eq!(
        (c.orders_in_flight, c.orders_holding_stock),
        (2, 2),
        "the pending order and the one not applied yet (the applied one was trimmed)"
    );
    // The snapshot of the reservations, a page of products, a page of orders.
    assert_eq!((spent.requests, spent.commands), (3, 3), "{spent:?}");
    assert_busy_books(&w, &products).await;
}

#[tokio::test]
async fn the_audit_names_every_kind_of_problem_it_claims_to_find() {
    let w = World::new();
    let p: Vec<Id> = futures_util::future::join_all((1..=10).map(|n| w.product(n, 10))).await;
    let key = |id: &Id| w.keys.product(id.as_str());
    let ledger_of = |id: &Id| w.keys.ledger(id.as_str());

    // ledger_chain: an entry whose quantity_after is not the previous one's + its change (on hand
    // agrees with it, so only the chain is wrong).
    w.redis(&[
        "XADD",
        &ledger_of(&p[0]),
        "*",
        ledger::AT,
        "1",
        ledger::CHANGE,
        "5",
        ledger::QUANTITY_AFTER,
        "20",
        ledger::REASON,
        "adjustment",
    ])
    .await;
    w.redis(&["HSET", &key(&p[0]), product::QUANTITY, "20"]).await;
    // on_hand_mismatch: on hand written behind the ledger's back.
    w.redis(&["HSET", &key(&p[1]), product::QUANTITY, "99"]).await;
    // ledger_missing.
    w.redis(&["DEL", &ledger_of(&p[2])]).await;
    // damaged_product.
    w.redis(&["HSET", &key(&p[3]), product::QUANTITY, "lots"]).await;
    // reserved_mismatch: orders hold 2 of p[4], the count says 7.
    w.placed(1, &[(&p[4], 2)]).await;
    w.redis(&["HSET", &w.keys.reserved(), p[4].as_str(), "7"]).await;
    // reserved_over_on_hand (and a mismatch too: no order holds 12).
    w.redis(&["HSET", &w.keys.reserved(), p[5].as_str(), "12"]).await;
    // overdue_payment: due 55 s ago, past the 30 s grace (no consumer ran to sweep it).
    let Placed::Created(overdue) = w.place_at(2, &[(&p[6], 1)], clock() - 60_000).await else {
        panic!("placed")
    };
    // pending_unscheduled: a pending order nothing will ever complete (out of the snapshot of the
    // orders in flight, its units are also a reserved_mismatch of its product).
    let unscheduled = w.placed(3, &[(&p[8], 1)]).await;
    w.redis(&["ZREM", &w.keys.pending_orders(), unscheduled.id().as_str()])
        .await;
    // released_holding: a cancelled order that still says it holds its reservation.
    let cancelled = w.placed(4, &[(&p[7], 1)]).await;
    w.orders().cancel(cancelled.id(), clock()).await.unwrap();
    w.redis(&[
        "HSET",
        &w.keys.order(cancelled.id().as_str()),
        order::STOCK,
        stock::RESERVED,
    ])
    .await;
    // completed_holding: paid two minutes ago, its stock never taken.
    let stuck = w.paid_order(5, &[(&p[7], 1)]).await;
    let long_ago = (clock() - 120_000).to_string();
    w.redis(&[
        "HSET",
        &w.keys.order(stuck.as_str()),
        order::UPDATED_AT,
        &long_ago,
    ])
    .await;
    // damaged_order (no status: it holds nothing, so its units are a reserved_mismatch too).
    let damaged = w.placed(6, &[(&p[9], 1)]).await;
    w.redis(&["HDEL", &w.keys.order(damaged.id().as_str()), order::STATUS])
        .await;

    let report = w.audit().run(None, &audit_settings()).await.unwrap();
    assert!(!report.ok && report.complete);
    let expected: BTreeSet<(ProblemKind, String)> = [
        (ProblemKind::LedgerChain, p[0].to_string()),
        (ProblemKind::OnHandMismatch, p[1].to_string()),
        (ProblemKind::LedgerMissing, p[2].to_string()),
        (ProblemKind::DamagedProduct, p[3].to_string()),
        (ProblemKind::ReservedMismatch, p[4].to_string()),
        (ProblemKind::ReservedMismatch, p[5].to_string()),
        (ProblemKind::ReservedOverOnHand, p[5].to_string()),
        (ProblemKind::OverduePayment, overdue.id().to_string()),
        (ProblemKind::PendingUnscheduled, unscheduled.id().to_string()),
        (ProblemKind::ReservedMismatch, p[8].to_string()),
        (ProblemKind::ReleasedHolding, cancelled.id().to_string()),
        (ProblemKind::CompletedHolding, stuck.to_string()),
        (ProblemKind::DamagedOrder, damaged.id().to_string()),
        (ProblemKind::ReservedMismatch, p[9].to_string()),
    ]
    .into_iter()
    .collect();
    assert_eq!(named(&report), expected, "{:#?}", report.problems);
    let find = |kind: ProblemKind| report.problems.iter().find(|p| p.kind == kind).unwrap();
    let chain = find(ProblemKind::LedgerChain);
    assert_eq!(
        (&chain.expected, &chain.found),
        (&Observed::Units(15), &Observed::Units(20))
    );
    let on_hand = find(ProblemKind::OnHandMismatch);
    assert_eq!(
        (&on_hand.expected, &on_hand.found),
        (&Observed::Units(10), &Observed::Units(99)),
        "the ledger ends at 10; 99 on hand"
    );
    let mismatch = report
        .problems
        .iter()
        .find(|q| q.kind == ProblemKind::ReservedMismatch && q.product_id.as_deref() == Some(p[4].as_str()))
        .unwrap();
    assert_eq!(
        (&mismatch.expected, &mismatch.found),
        (&Observed::Units(2), &Observed::Units(7))
    );
}

#[tokio::test]
async fn pages_of_any_size_find_the_same_and_an_audit_continues_where_it_stopped() {
    let w = World::new();
    let products = busy_shop(&w).await;
    for n in 0..6 {
        w.adjust(&products[1], n + 1, "restock").await;
    }
    // A break in the middle of the longest ledger: found even when it is read across pages.
    w.redis(&[
        "XADD",
        &w.keys.ledger(products[1].as_str()),
        "*",
        ledger::AT,
        "1",
        ledger::CHANGE,
        "1",
        ledger::QUANTITY_AFTER,
        "500",
        ledger::REASON,
        "adjustment",
    ])
    .await;
    w.adjust(&products[1], 1, "restock").await;
    w.redis(&["HSET", &w.keys.reserved(), products[0].as_str(), "3"])
        .await;

    let whole = w.audit().run(None, &audit_settings()).await.unwrap();
    assert!(whole.complete);
    let tiny = AuditSettings {
        round_trips: 3,
        products_per_page: 1,
        ledger_entries_per_page: 3,
        orders_per_page: 2,
        ..audit_settings()
    };
    let (paged, requests) = w.audit_all(&tiny).await;
    assert_eq!(named(&paged), named(&whole));
    assert_eq!(named(&whole).len(), 2, "{:?}", whole.problems);
    assert_eq!(
        (
            paged.checked.products,
            paged.checked.ledger_entries,
            paged.checked.orders
        ),
        (
            whole.checked.products,
            whole.checked.ledger_entries,
            whole.checked.orders
        ),
        "every product, entry and order read once"
    );
    assert!(requests > 3, "continued over {requests} requests");
    let (_, spent) = w
        .stack
        .gateway
        .measure(w.audit().run(
            None,
            &AuditSettings {
                round_trips: 3,
                ..tiny
            },
        ))
        .await;
    assert_eq!(spent.requests, 3, "an answer stops at its round trips");
}

#[tokio::test]
async fn the_repair_rebuilds_reserved_from_the_orders_holding_reservations_once() {
    let w = World::new();
    let products = busy_shop(&w).await;
    let reserved = w.keys.reserved();
    // Too many, too few (its count gone) and a count for a product that no longer exists.
    w.redis(&["HSET", &reserved, products[2].as_str(), "9"]).await;
    w.redis(&["HDEL", &reserved, products[3].as_str()]).await;
    let ghost = Id::generate(77, [7; 10]);
    w.redis(&["HSET", &reserved, ghost.as_str(), "4"]).await;
    let broken = w.audit().run(None, &audit_settings()).await.unwrap();
    assert_eq!(
        named(&broken),
        [
            (ProblemKind::ReservedMismatch, products[2].to_string()),
            (ProblemKind::ReservedMismatch, products[3].to_string()),
            (ProblemKind::ReservedMismatch, ghost.to_string()),
        ]
        .into_iter()
        .collect()
    );

    let (repair, spent) = w.stack.gateway.measure(w.audit().repair(&audit_settings())).await;
    let repair = repair.unwrap();
    assert_eq!(spent.requests, 1, "one script");
    let changed: BTreeSet<(String, Observed, u64)> = repair
        .changed
        .iter()
        .map(|c| (c.product_id.clone(), c.before.clone(), c.after))
        .collect();
    assert_eq!(
        changed,
        [
            (products[2].to_string(), Observed::Units(9), 1),
            (products[3].to_string(), Observed::Units(0), 2),
            (ghost.to_string(), Observed::Units(4), 0),
        ]
        .into_iter()
        .collect()
    );
    assert!(w.audit().run(None, &audit_settings()).await.unwrap().ok);
    assert_eq!(
        w.audit().repair(&audit_settings()).await.unwrap().changed,
        vec![],
        "idempotent"
    );
    // The orders it counted still apply: the books balance once the consumer has run.
    w.orders()
        .complete(&[crate::common::order_id(3)], clock())
        .await
        .unwrap();
    w.drain(Settings::default()).await;
    assert_busy_books(&w, &products).await;
}
