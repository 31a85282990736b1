use upstash_rest::{streams, StreamId, Value};

use crate::{send, start};

/// The groups the consumer creates, what a reader takes (`>`), its pending entries re-read (with
/// one trimmed away), and XRANGE.
#[tokio::test]
async fn groups_reads_pending_entries_and_ranges() {
    let (_stack, c) = start();
    assert!(
        c.run(streams::xgroup_create("s", "g", "0")).await.unwrap(),
        "created with MKSTREAM"
    );
    assert!(
        !c.run(streams::xgroup_create("s", "g", "0")).await.unwrap(),
        "BUSYGROUP is 'already exists'"
    );
    let mut ids: Vec<StreamId> = Vec::new();
    for i in 0..3 {
        let id = send(&c, &["XADD", "s", "*", "n", &i.to_string(), "emoji", "😀"])
            .await
            .unwrap();
        ids.push(id.as_str().unwrap().parse().unwrap());
    }
    assert!(ids[0] < ids[1] && ids[1] < ids[2]);

    let read = c.run(streams::xreadgroup("g", "c1", "s", ">", 2)).await.unwrap();
    assert_eq!(read.iter().map(|e| e.id).collect::<Vec<_>>(), ids[..2]);
    assert_eq!(read[0].get_str("n"), Some("0"));
    assert_eq!(read[1].get_str("emoji"), Some("😀"));
    let rest = c.run(streams::xreadgroup("g", "c1", "s", ">", 10)).await.unwrap();
    assert_eq!(rest.iter().map(|e| e.id).collect::<Vec<_>>(), [ids[2]]);
    assert!(
        c.run(streams::xreadgroup("g", "c1", "s", ">", 10))
            .await
            .unwrap()
            .is_empty(),
        "nothing new reads as empty, never BLOCK"
    );

    // Re-reading this consumer's pending entries shows a deleted one as such (["id", null]).
    let first = ids[0].to_string();
    assert_eq!(send(&c, &["XDEL", "s", &first]).await.unwrap(), Value::Int(1));
    let pending = c.run(streams::xreadgroup("g", "c1", "s", "0", 10)).await.unwrap();
    assert_eq!(pending.len(), 3);
    assert!(pending[0].deleted && pending[0].fields.is_empty());
    assert!(!pending[1].deleted);

    let left = c.run(streams::xrange("s", "-", "+", None)).await.unwrap();
    assert_eq!(left.iter().map(|e| e.id).collect::<Vec<_>>(), ids[1..]);
    let last = ids[2].to_string();
    let one = c.run(streams::xrange("s", &last, "+", Some(1))).await.unwrap();
    assert_eq!(one[0].get_str("n"), Some("2"));
    assert!(c
        .run(streams::xrange("none", "-", "+", None))
        .await
        .unwrap()
        .is_empty());
}
