//! Turns HTTP responses into values or typed errors (doc §3, §4.2, §7.1).

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde_json::Value as Json;

use crate::transport::HttpResponse;
use crate::{Error, Value};

/// Standard alphabet; padding optional, to be lenient with other gateways.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How much of an unexpected body an error keeps.
const SNIPPET_CHARS: usize = 200;

/// The response to `POST /`: one value or one error.
pub(crate) fn single(resp: &HttpResponse) -> Result<Value, Error> {
    let json = checked_json(resp)?;
    entry(&json).unwrap_or_else(|| Err(Error::decode(format!("no result in {}", snippet(&resp.body)))))
}

/// The response to `/pipeline` or `/multi-exec`: one result per command, or one error for all
/// (e.g. EXECABORT on a 400).
pub(crate) fn entries(resp: &HttpResponse, expected: usize) -> Result<Vec<Result<Value, Error>>, Error> {
    let json = checked_json(resp)?;
    let Json::Array(items) = json else {
        return Err(Error::decode(format!(
            "expected an array of entries, got {}",
            snippet(&resp.body)
        )));
    };
    if items.len() != expected {
        return Err(Error::decode(format!(
            "{} entries for {expected} commands",
            items.len()
        )));
    }
    let decode = |item: &Json| entry(item).unwrap_or_else(|| Err(Error::decode(format!("bad entry {item}"))));
    Ok(items.iter().map(decode).collect())
}

/// Status-level failures first, then the JSON body; a top-level `{"error"}` becomes the error.
fn checked_json(resp: &HttpResponse) -> Result<Json, Error> {
    let json: Option<Json> = serde_json::from_slice(&resp.body).ok();
    let message = || match json.as_ref().and_then(|j| j.get("error")).and_then(Json::as_str) {
        Some(m) => m.to_owned(),
        None => snippet(&resp.body),
    };
    match resp.status {
        401 | 403 => return Err(Error::Auth(message())),
        500..=599 => {
            return Err(Error::Unavailable {
                status: resp.status,
                message: message(),
            })
        }
        _ => {}
    }
    let Some(json) = json else {
        return Err(Error::decode(format!(
            "HTTP {}, body is not JSON: {}",
            resp.status,
            snippet(&resp.body)
        )));
    };
    if let Some(err) = json.get("error") {
        return Err(Error::from_redis_message(
            err.as_str().map_or_else(|| err.to_string(), str::to_owned),
        ));
    }
    if !(200..300).contains(&resp.status) {
        return Err(Error::decode(format!(
            "HTTP {} without an error message: {}",
            resp.status,
            snippet(&resp.body)
        )));
    }
    Ok(json)
}

/// `{"result": v}` or `{"error": msg}`; None for any other shape.
fn entry(json: &Json) -> Option<Result<Value, Error>> {
    if let Some(err) = json.get("error") {
        let msg = err.as_str().map_or_else(|| err.to_string(), str::to_owned);
        return Some(Err(Error::from_redis_message(msg)));
    }
    json.get("result").map(|r| decode_value(r, true))
}

/// Per §4.2: every string is base64 (the client always asks for it: exact bytes, binary-safe,
/// as in the official clients) except a top-level "OK" status reply.
pub(crate) fn decode_value(json: &Json, top: bool) -> Result<Value, Error> {
    match json {
        Json::Null => Ok(Value::Null),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .ok_or_else(|| Error::decode(format!("not an i64: {n}"))),
        Json::String(s) if top && s == "OK" => Ok(Value::Bytes(s.as_bytes().to_vec())),
        Json::String(s) => BASE64
            .decode(s)
            .map(Value::Bytes)
            .map_err(|e| Error::decode(format!("bad base64 {:?}: {e}", truncate(s)))),
        Json::Array(items) => items
            .iter()
            .map(|i| decode_value(i, false))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        other => Err(Error::decode(format!(
            "unexpected JSON value {}",
            truncate(&other.to_string())
        ))),
    }
}

fn snippet(body: &[u8]) -> String {
    truncate(&String::from_utf8_lossy(body))
}

fn truncate(s: &str) -> String {
    s.chars().take(SNIPPET_CHARS).collect()
}

#[cfg(test)]
/// Decoding and error mapping on recorded response bodies.
mod tests {

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
}
