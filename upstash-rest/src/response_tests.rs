//! Decoding and error mapping on recorded response bodies.

use super::*;
use crate::test_support::{b64, http};
use crate::QuotaKind;

fn bytes(s: &str) -> Value {
    Value::Bytes(s.as_bytes().to_vec())
}

#[test]
fn single_results() {
    assert_eq!(b64(200, r#"{"result":"YmFy"}"#), Ok(bytes("bar")));
    assert_eq!(b64(200, r#"{"result":42}"#), Ok(Value::Int(42)));
    assert_eq!(
        b64(200, r#"{"result":-9223372036854775808}"#),
        Ok(Value::Int(i64::MIN))
    );
    assert_eq!(b64(200, r#"{"result":null}"#), Ok(Value::Null));
    assert_eq!(
        b64(200, r#"{"result":"AP/+"}"#),
        Ok(Value::Bytes(vec![0, 255, 254]))
    );
    assert_eq!(b64(200, r#"{"result":"8J+YgA=="}"#).unwrap().as_str(), Some("😀"));
}

#[test]
fn ok_raw_at_top_level_and_base64_everywhere_else() {
    assert_eq!(b64(200, r#"{"result":"OK"}"#), Ok(bytes("OK")));
    // SRH style: OK encoded too.
    assert_eq!(b64(200, r#"{"result":"T0s="}"#), Ok(bytes("OK")));
    // Inside an array "OK" is not special: a raw "OK" there is undecodable base64...
    assert!(matches!(b64(200, r#"{"result":["OK"]}"#), Err(Error::Decode(_))));
    // ...and the encoded form is what a correct server sends.
    assert_eq!(
        b64(200, r#"{"result":["T0s=",1]}"#),
        Ok(Value::Array(vec![bytes("OK"), Value::Int(1)]))
    );
}

#[test]
fn nested_arrays() {
    let got = b64(200, r#"{"result":["YQ==",["Yg==",[null,3]],[]]}"#).unwrap();
    let want = Value::Array(vec![
        bytes("a"),
        Value::Array(vec![bytes("b"), Value::Array(vec![Value::Null, Value::Int(3)])]),
        Value::Array(vec![]),
    ]);
    assert_eq!(got, want);
}

#[test]
fn redis_error_on_400() {
    let r = b64(
        400,
        r#"{"error":"ERR wrong number of arguments for 'get' command"}"#,
    );
    assert_eq!(
        r,
        Err(Error::Redis(
            "ERR wrong number of arguments for 'get' command".into()
        ))
    );
    // An error in a 200 is still an error (Python client semantics).
    assert!(matches!(
        b64(200, r#"{"error":"WRONGTYPE Operation against a key"}"#),
        Err(Error::Redis(_))
    ));
}

#[test]
fn auth_errors() {
    assert_eq!(
        b64(401, r#"{"error":"Unauthorized"}"#),
        Err(Error::Auth("Unauthorized".into()))
    );
    let r = b64(401, r#"{"error":"WRONGPASS invalid or missing auth token"}"#);
    assert_eq!(
        r,
        Err(Error::Auth("WRONGPASS invalid or missing auth token".into()))
    );
    assert!(matches!(b64(401, "Unauthorized"), Err(Error::Auth(m)) if m == "Unauthorized"));
}

#[test]
fn quota_errors() {
    for (message, kind) in [
        ("ERR max requests limit exceeded. Limit: 500000, Usage: 500000", QuotaKind::MonthlyRequests),
        ("ERR max request size exceeded. Limit: 10485760 bytes", QuotaKind::RequestSize),
        (
            "ERR XReadGroup is cancelled. Pending Entries List limit per consumer is about to be reached. Limit: 1000, Current PEL size: 1000",
            QuotaKind::PendingEntries,
        ),
    ] {
        let body = format!(r#"{{"error":"{message}"}}"#);
        let message = message.into();
        assert_eq!(b64(400, &body), Err(Error::Quota { kind, message }), "{body}");
    }
}

#[test]
fn unavailable_on_5xx() {
    let r = b64(502, r#"{"error":"Redis unavailable"}"#);
    assert_eq!(
        r,
        Err(Error::Unavailable {
            status: 502,
            message: "Redis unavailable".into()
        })
    );
    let r = b64(503, "<html>Service Unavailable</html>");
    assert!(
        matches!(r, Err(Error::Unavailable { status: 503, message }) if message.contains("Service Unavailable"))
    );
}

#[test]
fn non_json_body_keeps_200_chars() {
    let body = format!("<html>{}</html>", "x".repeat(500));
    let Err(Error::Decode(m)) = b64(200, &body) else {
        panic!("expected a decode error")
    };
    assert!(m.contains("<html>xxx"), "{m}");
    assert!(!m.contains("</html>"), "{m}");
    assert!(m.len() < 300, "{m}");
}

#[test]
fn missing_result_bad_base64_and_odd_json() {
    assert!(matches!(b64(200, r#"{"foo":1}"#), Err(Error::Decode(_))));
    assert!(matches!(
        b64(200, r#"{"result":"not base64!"}"#),
        Err(Error::Decode(_))
    ));
    assert!(matches!(b64(200, r#"{"result":1.5}"#), Err(Error::Decode(_))));
    assert!(matches!(b64(200, r#"{"result":{"a":1}}"#), Err(Error::Decode(_))));
    assert!(matches!(b64(200, r#"{"result":true}"#), Err(Error::Decode(_))));
    assert!(matches!(b64(404, r#"{"message":"nope"}"#), Err(Error::Decode(_))));
}

#[test]
fn pipeline_entries_with_an_error_entry() {
    let body = r#"[{"result":"OK"},{"result":"YmFy"},{"error":"ERR value is not an integer or out of range"},{"result":["T0s=",null]}]"#;
    let got = entries(&http(200, body), 4).unwrap();
    assert_eq!(got[0], Ok(bytes("OK")));
    assert_eq!(got[1], Ok(bytes("bar")));
    assert_eq!(
        got[2],
        Err(Error::Redis("ERR value is not an integer or out of range".into()))
    );
    assert_eq!(got[3], Ok(Value::Array(vec![bytes("OK"), Value::Null])));
}

#[test]
fn pipeline_quota_entry() {
    let body = r#"[{"error":"ERR max requests limit exceeded. Limit: 500000, Usage: 500000"}]"#;
    let got = entries(&http(200, body), 1).unwrap();
    assert!(matches!(
        got[0],
        Err(Error::Quota {
            kind: QuotaKind::MonthlyRequests,
            ..
        })
    ));
}

#[test]
fn pipeline_shape_errors() {
    assert!(matches!(
        entries(&http(200, r#"[{"result":1}]"#), 2),
        Err(Error::Decode(_))
    ));
    assert!(matches!(
        entries(&http(200, r#"{"result":1}"#), 1),
        Err(Error::Decode(_))
    ));
    let got = entries(&http(200, r#"[{"nothing":1}]"#), 1).unwrap();
    assert!(matches!(got[0], Err(Error::Decode(_))));
}

#[test]
fn multi_exec_execabort_is_one_error() {
    let body = r#"{"error":"EXECABORT Transaction discarded because of previous errors."}"#;
    let r = entries(&http(400, body), 2);
    assert_eq!(
        r,
        Err(Error::Redis(
            "EXECABORT Transaction discarded because of previous errors.".into()
        ))
    );
    assert!(r.unwrap_err().is_redis_code("EXECABORT"));
}

#[test]
fn batch_401_and_502() {
    assert!(matches!(
        entries(&http(401, r#"{"error":"Unauthorized"}"#), 1),
        Err(Error::Auth(_))
    ));
    let r = entries(&http(502, r#"{"error":"Redis unavailable"}"#), 1);
    assert!(matches!(r, Err(Error::Unavailable { status: 502, .. })));
}
