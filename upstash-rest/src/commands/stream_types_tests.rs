//! Stream reply shapes from doc §5, as recorded bodies.

use super::*;
use crate::test_support::{b64, plain};

#[test]
fn stream_id_parse_display_order() {
    let id: StreamId = "1717000000000-5".parse().unwrap();
    assert_eq!(id, StreamId::new(1717000000000, 5));
    assert_eq!(id.to_string(), "1717000000000-5");
    assert_eq!("42".parse::<StreamId>(), Ok(StreamId::new(42, 0)));
    assert!("x-1".parse::<StreamId>().is_err());
    assert!("1-".parse::<StreamId>().is_err());
    assert!(StreamId::new(1, 9) < StreamId::new(2, 0));
    assert!(StreamId::new(2, 1) > StreamId::new(2, 0));
    assert_eq!(StreamId::new(2, 1).next(), StreamId::new(2, 2));
    assert_eq!(StreamId::new(2, u64::MAX).next(), StreamId::new(3, 0));
}

#[test]
fn xreadgroup_base64_wire() {
    // [["s",[["1717000000000-0",["field","value"]]]]], base64 everywhere inside arrays.
    let v = b64(
        200,
        r#"{"result":[["cw==",[["MTcxNzAwMDAwMDAwMC0w",["ZmllbGQ=","dmFsdWU="]]]]]}"#,
    );
    let got = read_reply(v).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].id, StreamId::new(1717000000000, 0));
    assert_eq!(got[0].get_str("field"), Some("value"));
    assert_eq!(got[0].get("missing"), None);
    assert!(!got[0].deleted);
}

#[test]
fn xreadgroup_null_is_empty() {
    assert_eq!(read_reply(b64(200, r#"{"result":null}"#)), Ok(vec![]));
}

#[test]
fn xreadgroup_pending_with_deleted_entry() {
    let v = plain(r#"{"result":[["s",[["1-0",["f","v"]],["2-0",null]]]]}"#);
    let got = read_reply(v).unwrap();
    assert_eq!(got.len(), 2);
    assert!(!got[0].deleted);
    assert!(got[1].deleted);
    assert_eq!(got[1].id, StreamId::new(2, 0));
    assert!(got[1].fields.is_empty());
}

#[test]
fn xrange_entries_including_a_deleted_one() {
    let got = entries(plain(r#"{"result":[["1-0",["a","1","b","2"]],["1-1",null]]}"#)).unwrap();
    assert_eq!(got[0].fields.len(), 2);
    assert_eq!(got[0].get_str("b"), Some("2"));
    assert!(got[1].deleted);
    assert_eq!(entries(plain(r#"{"result":[]}"#)), Ok(vec![]));
}

#[test]
fn xautoclaim_empty() {
    let got = auto_claim(plain(r#"{"result":["0-0",[],[]]}"#)).unwrap();
    assert_eq!(
        got,
        AutoClaim {
            next: StreamId::ZERO,
            entries: vec![],
            deleted: vec![]
        }
    );
    // Same, as the base64 wire form.
    assert_eq!(auto_claim(b64(200, r#"{"result":["MC0w",[],[]]}"#)), Ok(got));
}

#[test]
fn xautoclaim_with_entries_and_deleted_ids() {
    let got = auto_claim(plain(r#"{"result":["5-0",[["3-0",["f","v"]]],["4-0"]]}"#)).unwrap();
    assert_eq!(got.next, StreamId::new(5, 0));
    assert_eq!(got.entries.len(), 1);
    assert_eq!(got.entries[0].get_str("f"), Some("v"));
    assert_eq!(got.deleted, vec![StreamId::new(4, 0)]);
    // Redis 6.2: no third element.
    assert_eq!(
        auto_claim(plain(r#"{"result":["0-0",[]]}"#)).map(|a| a.deleted),
        Ok(vec![])
    );
    assert!(matches!(
        auto_claim(plain(r#"{"result":["0-0"]}"#)),
        Err(Error::Decode(_))
    ));
}

#[test]
fn xpending_summary_empty_and_full() {
    let empty = pending_summary(plain(r#"{"result":[0,null,null,null]}"#)).unwrap();
    assert_eq!(empty, PendingSummary::default());
    let full = pending_summary(plain(r#"{"result":[3,"1-0","3-0",[["c1","2"],["c2","1"]]]}"#)).unwrap();
    assert_eq!(full.count, 3);
    assert_eq!(full.min_id, Some(StreamId::new(1, 0)));
    assert_eq!(full.max_id, Some(StreamId::new(3, 0)));
    assert_eq!(full.consumers, vec![("c1".to_string(), 2), ("c2".to_string(), 1)]);
}

#[test]
fn xpending_extended() {
    let got = pending_entries(plain(r#"{"result":[["1-0","c1",1500,2],["2-0","c2",10,1]]}"#)).unwrap();
    assert_eq!(
        got[0],
        PendingEntry {
            id: StreamId::new(1, 0),
            consumer: "c1".into(),
            idle_ms: 1500,
            deliveries: 2
        }
    );
    assert_eq!(got[1].consumer, "c2");
    assert!(matches!(
        pending_entries(plain(r#"{"result":[["1-0","c1",1]]}"#)),
        Err(Error::Decode(_))
    ));
}

#[test]
fn xinfo_groups_flat_arrays() {
    let body = r#"{"result":[["name","g","consumers",2,"pending",3,"last-delivered-id","7-1","entries-read",7,"lag",0],
                            ["name","h","consumers",0,"pending",0,"last-delivered-id","0-0","entries-read",null,"lag",null]]}"#;
    let got = groups(plain(body)).unwrap();
    assert_eq!(
        got[0],
        GroupInfo {
            name: "g".into(),
            consumers: 2,
            pending: 3,
            last_delivered_id: StreamId::new(7, 1),
            entries_read: Some(7),
            lag: Some(0)
        }
    );
    assert_eq!(got[1].entries_read, None);
    assert_eq!(got[1].lag, None);
}

#[test]
fn malformed_shapes_are_decode_errors() {
    for body in [
        r#"{"result":"x"}"#,
        r#"{"result":[["s"]]}"#,
        r#"{"result":[["s",[["bad-id",["f","v"]]]]]}"#,
        r#"{"result":[["s",[["1-0",["f"]]]]]}"#,
        r#"{"result":[["s",[["1-0",["f","v"],"extra"]]]]}"#,
    ] {
        assert!(matches!(read_reply(plain(body)), Err(Error::Decode(_))), "{body}");
    }
    assert!(matches!(
        pending_summary(plain(r#"{"result":[0,null,null]}"#)),
        Err(Error::Decode(_))
    ));
    assert!(matches!(
        groups(plain(r#"{"result":[["name"]]}"#)),
        Err(Error::Decode(_))
    ));
}
