use upstash_rest::streams::{PendingQuery, Trim, NEW_ENTRIES};
use upstash_rest::{streams, StreamId};

use crate::start;

#[tokio::test]
async fn consumer_group_lifecycle() {
    let (_stack, c) = start();
    assert!(
        c.xgroup_create("s", "g", "$").await.unwrap(),
        "created with MKSTREAM"
    );
    assert!(
        !c.xgroup_create("s", "g", "$").await.unwrap(),
        "BUSYGROUP is 'already exists'"
    );
    assert_eq!(c.xlen("s").await.unwrap(), 0);

    let mut ids = Vec::new();
    for i in 0..3 {
        let trim = Some(Trim::MaxLen {
            len: 100,
            approx: true,
        });
        ids.push(
            c.xadd("s", [("n", i.to_string().as_str()), ("emoji", "😀")], trim)
                .await
                .unwrap(),
        );
    }
    assert!(ids[0] < ids[1] && ids[1] < ids[2]);
    assert_eq!(c.xlen("s").await.unwrap(), 3);

    // c1 reads two, acks one; the other stays pending.
    let read = c.xreadgroup("g", "c1", "s", NEW_ENTRIES, 2).await.unwrap();
    assert_eq!(read.iter().map(|e| e.id).collect::<Vec<_>>(), ids[..2]);
    assert_eq!(read[0].get_str("n"), Some("0"));
    assert_eq!(read[1].get_str("emoji"), Some("😀"));
    assert_eq!(c.xack("s", "g", [read[0].id]).await.unwrap(), 1);
    assert_eq!(
        c.xack("s", "g", [read[0].id]).await.unwrap(),
        0,
        "second XACK is a no-op"
    );

    let summary = c.xpending("s", "g").await.unwrap();
    assert_eq!(summary.count, 1);
    assert_eq!(summary.min_id, Some(ids[1]));
    assert_eq!(summary.consumers, [("c1".to_string(), 1)]);
    let pending = c
        .xpending_range("s", "g", &PendingQuery::first(10))
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].id, pending[0].consumer.as_str(), pending[0].deliveries),
        (ids[1], "c1", 1)
    );
    assert!(c
        .xpending_range("s", "g", &PendingQuery::first(10).min_idle(3_600_000))
        .await
        .unwrap()
        .is_empty());

    // c2 reclaims c1's pending entry.
    let claim = c.xautoclaim("s", "g", "c2", 0, StreamId::ZERO, 10).await.unwrap();
    assert_eq!(claim.next, StreamId::ZERO);
    assert_eq!(claim.entries.len(), 1);
    assert_eq!(claim.entries[0].id, ids[1]);
    assert_eq!(claim.entries[0].get_str("n"), Some("1"));
    assert!(claim.deleted.is_empty());
    let pending = c
        .xpending_range("s", "g", &PendingQuery::first(10).consumer("c2"))
        .await
        .unwrap();
    assert_eq!(pending[0].deliveries, 2);

    // The rest, then nothing new (null → empty, never BLOCK).
    let rest = c.xreadgroup("g", "c1", "s", NEW_ENTRIES, 10).await.unwrap();
    assert_eq!(rest.iter().map(|e| e.id).collect::<Vec<_>>(), [ids[2]]);
    assert!(c
        .xreadgroup("g", "c1", "s", NEW_ENTRIES, 10)
        .await
        .unwrap()
        .is_empty());

    let groups = c.xinfo_groups("s").await.unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].name, "g");
    assert_eq!(groups[0].consumers, 2);
    assert_eq!(groups[0].pending, 2);
    assert_eq!(groups[0].last_delivered_id, ids[2]);
    assert_eq!(groups[0].lag, Some(0));
}

#[tokio::test]
async fn trimming_and_deleted_pending_entries() {
    let (_stack, c) = start();
    c.xgroup_create("s", "g", "0").await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(c.xadd("s", [("n", i)], None).await.unwrap());
    }
    let read = c.xreadgroup("g", "c1", "s", NEW_ENTRIES, 5).await.unwrap();
    assert_eq!(read.len(), 5);

    // XTRIM MAXLEN keeps the newest; MINID drops older IDs.
    assert_eq!(
        c.xtrim(
            "s",
            Trim::MaxLen {
                len: 3,
                approx: false
            }
        )
        .await
        .unwrap(),
        2
    );
    assert_eq!(
        c.xtrim(
            "s",
            Trim::MinId {
                id: ids[3],
                approx: false
            }
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(c.xlen("s").await.unwrap(), 2);
    let left = c.xrange("s", "-", "+", None).await.unwrap();
    assert_eq!(left.iter().map(|e| e.id).collect::<Vec<_>>(), ids[3..]);
    assert_eq!(
        c.xrange("s", ids[4], "+", Some(1)).await.unwrap()[0].get_str("n"),
        Some("4")
    );

    // Re-reading this consumer's PEL shows trimmed entries as deleted (["id", null]).
    let pel = c.xreadgroup("g", "c1", "s", StreamId::ZERO, 10).await.unwrap();
    assert_eq!(pel.len(), 5);
    assert!(pel[..3].iter().all(|e| e.deleted && e.fields.is_empty()));
    assert!(!pel[3].deleted);

    // XAUTOCLAIM reports them as deleted IDs (and drops them from the PEL).
    let claim = c.xautoclaim("s", "g", "c2", 0, StreamId::ZERO, 10).await.unwrap();
    assert_eq!(claim.deleted, ids[..3]);
    assert_eq!(claim.entries.iter().map(|e| e.id).collect::<Vec<_>>(), ids[3..]);
    assert_eq!(c.xpending("s", "g").await.unwrap().count, 2);

    // Stream helpers inside a pipeline.
    let len = streams::xlen("s");
    let ack = streams::xack("s", "g", &ids[3..]);
    let entries = c.pipeline([len.command(), ack.command()]).await.unwrap();
    assert_eq!(len.decode(entries[0].clone()), Ok(2));
    assert_eq!(ack.decode(entries[1].clone()), Ok(2));
    assert_eq!(c.xpending("s", "g").await.unwrap(), Default::default());
}
