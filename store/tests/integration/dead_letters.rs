//! Dead letters handled, against the real gateway and redis-server: a poison event (an order
//! whose line was damaged) is dead-lettered after its deliveries; listed oldest first with its
//! fields, reason, deliveries and when it died, in pages; replayed after its cause is fixed, it
//! is applied once; a replay of an event whose effect already happened changes nothing; a
//! discard removes one or all; each operation is one round trip.

use crate::common::{clock, World};
use domain::{EntryId, EntryPageRequest};
use store::consumer::Settings;
use store::schema::{dead_letter, event, order};
use store::{test_support, Stream};

/// Reclaims a held event at once, so that five runs deliver it five times.
fn fast() -> Settings {
    Settings {
        reclaim_idle_ms: 0,
        ..Settings::default()
    }
}

fn first_page() -> EntryPageRequest {
    EntryPageRequest {
        limit: 50,
        after: None,
    }
}

#[tokio::test]
async fn a_poison_event_is_replayed_after_its_fix_and_applied_once() {
    let w = World::new();
    let (a, b) = (w.product(1, 10).await, w.product(2, 10).await);
    let cart = w.paid_order(1, &[(&a, 2), (&b, 3)]).await;
    let line = order::line_field(2, order::LINE_QUANTITY);
    let key = w.keys.order(cart.as_str());
    w.redis(&["HDEL", &key, &line]).await;
    for _ in 0..5 {
        w.drain(fast()).await;
    }
    let (page, spent) = w
        .stack
        .gateway
        .measure(w.dead_letters().list(Stream::OrderCompleted, &first_page()))
        .await;
    assert_eq!(spent.requests, 1);
    let dead = page.unwrap();
    assert_eq!(dead.items.len(), 1);
    let letter = &dead.items[0];
    assert_eq!(
        (letter.reason.as_str(), letter.deliveries),
        (dead_letter::DAMAGED_ORDER, 5)
    );
    assert_eq!(letter.fields.get(event::ORDER_ID), Some(&cart.to_string()));
    assert!(
        !letter.fields.contains_key(dead_letter::REASON),
        "its own fields only"
    );
    assert!(letter.died_at.ends_with('Z') && !letter.source_id.is_empty());
    assert_eq!((w.stock(&a).await, w.stock(&b).await), (Some(10), Some(10)));

    // The fix, then the replay: back on the stream, gone from the dead letters, in one script.
    w.redis(&["HSET", &key, &line, "3"]).await;
    let id = EntryId::parse(&letter.id).unwrap();
    let (replayed, spent) = w
        .stack
        .gateway
        .measure(w.dead_letters().replay(Stream::OrderCompleted, Some(id)))
        .await;
    let replayed = replayed.unwrap().unwrap();
    assert_eq!(spent.requests, 1);
    assert_eq!((replayed.replayed.len(), replayed.remaining), (1, 0));
    assert_eq!(replayed.replayed[0].dead_letter_id, letter.id);
    assert_eq!(
        w.dead_letters()
            .replay(Stream::OrderCompleted, Some(id))
            .await
            .unwrap(),
        None,
        "no such dead letter any more"
    );
    let report = w.drain(fast()).await;
    assert_eq!(report.applied, 1, "{report:?}");
    assert_eq!((w.stock(&a).await, w.stock(&b).await), (Some(8), Some(7)));
    w.assert_books_balance(&[(&a, 10), (&b, 10)]).await;
}

#[tokio::test]
async fn a_replay_of_an_effect_that_happened_changes_nothing_and_discards_remove() {
    let w = World::new();
    let (a, taken) = w.taken_order().await;
    // Three dead letters written by hand, as the consumer writes them: one for the order whose
    // stock was taken, two that name no order.
    for pk in [taken.to_string(), String::new(), String::new()] {
        let fields = [(event::ORDER_ID, pk.as_str())];
        test_support::dead_letter(
            &w.client,
            &w.keys,
            Stream::OrderCompleted,
            dead_letter::NOT_PAID,
            &fields,
        )
        .await;
    }
    // Oldest first, in pages.
    let one = EntryPageRequest {
        limit: 1,
        after: None,
    };
    let page = w.dead_letters().list(Stream::OrderCompleted, &one).await.unwrap();
    assert_eq!(page.items[0].fields[event::ORDER_ID], taken.to_string());
    let next = EntryPageRequest {
        limit: 5,
        after: page.next,
    };
    assert_eq!(
        w.dead_letters()
            .list(Stream::OrderCompleted, &next)
            .await
            .unwrap()
            .items
            .len(),
        2
    );

    let after_all = EntryPageRequest {
        limit: 5,
        after: Some(EntryId {
            ms: u64::MAX,
            seq: u64::MAX,
        }),
    };
    assert!(w
        .dead_letters()
        .list(Stream::OrderCompleted, &after_all)
        .await
        .unwrap()
        .items
        .is_empty());

    let first = EntryId::parse(&page.items[0].id).unwrap();
    let replayed = w
        .dead_letters()
        .replay(Stream::OrderCompleted, Some(first))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replayed.remaining, 2);
    let report = w.drain(Settings::default()).await;
    assert_eq!((report.duplicates, report.applied), (1, 0), "{report:?}");
    assert_eq!(w.stock(&a).await, Some(8), "taken once");

    let rest = w
        .dead_letters()
        .list(Stream::OrderCompleted, &next)
        .await
        .unwrap();
    let (_, spent) = w
        .stack
        .gateway
        .measure(async {
            let one = EntryId::parse(&rest.items[0].id).unwrap();
            assert_eq!(
                w.dead_letters()
                    .discard(Stream::OrderCompleted, Some(one))
                    .await
                    .unwrap(),
                1
            );
        })
        .await;
    assert_eq!(spent.requests, 1);
    assert_eq!(
        w.dead_letters()
            .discard(Stream::OrderCompleted, None)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        w.dead_letters()
            .discard(Stream::OrderCompleted, None)
            .await
            .unwrap(),
        0,
        "nothing left"
    );
    let (stats, _) = w.consumer(Settings::default()).stats(clock()).await.unwrap();
    assert_eq!(stats[0].1.dead_letters, 0);
    w.assert_books_balance(&[(&a, 10)]).await;
}
