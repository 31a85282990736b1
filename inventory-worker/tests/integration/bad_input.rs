//! Bad input gets a 4xx with the JSON error shape and loses nothing; never a 500, a panic text or
//! the Redis token.

use crate::common::{api, create, request, Answer};
use serde_json::json;

const JSON: &str = "application/json";

fn assert_error(answer: &Answer, status: u16, code: &str) {
    answer.assert_error(status, code);
    assert_eq!(
        answer.content_type.as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert!(answer.body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    let token = api().stack.gateway.token();
    assert!(
        !answer.raw.contains(token),
        "the Redis token leaked: {}",
        answer.raw
    );
    assert!(!answer.raw.to_lowercase().contains("panic"), "{}", answer.raw);
}

/// `POST /products` with `body` sent as it is, labelled `content_type`.
async fn post_raw(base: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Answer {
    request("POST", format!("{base}/products"))
        .raw_body(content_type, body)
        .send()
        .await
}

#[tokio::test]
async fn malformed_json_is_400() {
    let base = api().inventory.url();
    for body in ["{\"name\": ", "not json", "", "{\"name\": \"a\",}"] {
        assert_error(&post_raw(&base, JSON, body).await, 400, "bad_json");
    }
}

#[tokio::test]
async fn wrong_content_type_is_415_and_oversize_is_413() {
    let base = api().inventory.url();
    let body = json!({"name": "a", "price": 1, "quantity": 1}).to_string();
    for content_type in ["application/x-www-form-urlencoded", "text/plain"] {
        let answer = post_raw(&base, content_type, body.clone()).await;
        assert_error(&answer, 415, "unsupported_media_type");
    }

    let huge = json!({"name": "a".repeat(70 * 1024), "price": 1, "quantity": 1}).to_string();
    assert_error(&post_raw(&base, JSON, huge).await, 413, "payload_too_large");
}

#[tokio::test]
async fn invalid_fields_are_422_naming_the_field() {
    let base = api().inventory.url();
    let cases = [
        (json!({"price": 1, "quantity": 1}), "name"),
        (json!({"name": "", "price": 1, "quantity": 1}), "name"),
        (json!({"name": "a", "quantity": 1}), "price"),
        (json!({"name": "a", "price": -1, "quantity": 1}), "price"),
        (json!({"name": "a", "price": 0, "quantity": 1}), "price"),
        (json!({"name": "a", "price": "twenty", "quantity": 1}), "price"),
        (json!({"name": "a", "price": 1e300, "quantity": 1}), "price"),
        (json!({"name": "a", "price": 10.001, "quantity": 1}), "price"),
        (json!({"name": "a", "price": 1, "quantity": -3}), "quantity"),
        (json!({"name": "a", "price": 1, "quantity": 2.5}), "quantity"),
        (
            json!({"name": "a", "price": 1, "quantity": 99999999999999u64}),
            "quantity",
        ),
        (
            json!({"name": "a", "price": 1, "quantity": 1, "colour": "red"}),
            "colour",
        ),
        (json!(["name", "a"]), "body"),
        (json!(null), "body"),
    ];
    for (body, field) in cases {
        let answer = create(&base, &body).await;
        assert_error(&answer, 422, "validation_failed");
        assert_eq!(answer.body["error"]["field"], field, "{body}");
        assert!(
            answer.body["error"]["message"].as_str().unwrap().contains(field),
            "{}",
            answer.raw
        );
    }
}

#[tokio::test]
async fn a_refused_patch_changes_nothing() {
    let base = api().inventory.url();
    let created = create(&base, &json!({"name": "Keep me", "price": 3, "quantity": 7})).await;
    let url = format!("{base}/products/{}", created.body["id"].as_str().unwrap());
    for body in [
        json!({}),
        json!({"quantity": -1}),
        json!({"price": 0, "quantity": 5}),
        json!({"name": "ok", "qty": 1}),
    ] {
        assert_error(
            &request("PATCH", &url).json(&body).send().await,
            422,
            "validation_failed",
        );
    }
    assert_eq!(request("GET", &url).send().await.body, created.body);
}

#[tokio::test]
async fn unknown_ids_routes_and_methods() {
    let base = api().inventory.url();
    let unknown_id = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    let unknown = format!("/products/{unknown_id}");
    for (method, path) in [
        ("GET", unknown.as_str()),
        ("DELETE", &unknown),
        ("GET", "/products/../../etc/passwd"),
        ("GET", "/products/%00"),
        ("GET", "/nope"),
        ("QUERY", "/nothing"),
    ] {
        let answer = request(method, format!("{base}{path}")).send().await;
        assert_eq!(answer.status, 404, "{method} {path}");
        assert_error(&answer, 404, "not_found");
    }
    let patch = request("PATCH", format!("{base}{unknown}")).json(&json!({"quantity": 1}));
    assert_error(&patch.send().await, 404, "not_found");
    // A 405 says which methods the path has (RFC 9110), also for methods workers-rs does not know
    // (it would route them as GET).
    for (method, path, allow) in [
        ("PUT", "/products", "GET, HEAD, POST"),
        ("DELETE", "/products", "GET, HEAD, POST"),
        ("QUERY", "/products", "GET, HEAD, POST"),
        ("POST", &unknown, "GET, HEAD, PATCH, DELETE"),
        ("PROPFIND", &unknown, "GET, HEAD, PATCH, DELETE"),
    ] {
        let answer = request(method, format!("{base}{path}")).send().await;
        assert_error(&answer, 405, "method_not_allowed");
        assert_eq!(answer.allow.as_deref(), Some(allow), "{method} {path}");
    }
}

/// The edge cases a hostile run against `make dev` found: each refused with the field it names,
/// and nothing stored.
#[tokio::test]
async fn duplicate_keys_tiny_numbers_hidden_characters_and_charsets_are_refused() {
    let base = api().inventory.url();
    for (body, field) in [
        (r#"{"name":"a","price":1,"price":2,"quantity":1}"#, "price"),
        (r#"{"name":"a","price":1,"quantity":1e-400}"#, "quantity"),
        (r#"{"name":"a","price":1e-400,"quantity":1}"#, "price"),
        (
            r#"{"name":"a","price":0.1000000000000000055511151231257827,"quantity":1}"#,
            "price",
        ),
        (
            "{\"name\":\"Widget\u{202e}tegdiW\",\"price\":1,\"quantity\":1}",
            "name",
        ),
        ("{\"name\":\"Wid\u{200b}get\",\"price\":1,\"quantity\":1}", "name"),
    ] {
        let answer = post_raw(&base, JSON, body).await;
        assert_error(&answer, 422, "validation_failed");
        assert_eq!(answer.body["error"]["field"], field, "{body}");
    }
    let latin1 = post_raw(
        &base,
        "application/json; charset=latin1",
        r#"{"name":"a","price":1,"quantity":1}"#,
    );
    assert_error(&latin1.await, 415, "unsupported_media_type");
    let utf8 = post_raw(
        &base,
        "application/json; charset=UTF-8",
        "{\"name\":\"👩\u{200d}💻 ok\",\"price\":1,\"quantity\":1}",
    );
    assert_eq!(utf8.await.status, 201, "emoji sequences stay allowed");
}

#[tokio::test]
async fn head_answers_wherever_get_does_without_a_body() {
    let base = api().inventory.url();
    let id = create(&base, &json!({"name": "headed", "price": 1, "quantity": 1}))
        .await
        .text("id");
    for path in [
        "/products".to_owned(),
        format!("/products/{id}"),
        "/health".to_owned(),
    ] {
        let get = request("GET", format!("{base}{path}")).send().await;
        let head = request("HEAD", format!("{base}{path}")).send().await;
        assert_eq!((head.status, head.raw.as_str()), (get.status, ""), "{path}");
        assert_eq!(head.content_type, get.content_type, "{path}");
    }
    let missing = request("HEAD", format!("{base}/products/01JDQ3T0X6M6V1W3C6W7N5K8ZP"))
        .send()
        .await;
    assert_eq!((missing.status, missing.raw.as_str()), (404, ""));
}

/// A name shows something: one made only of blanks that are not spaces (the braille blank),
/// combining marks with nothing to sit on, or format characters is refused, naming `name`; a mark
/// on a letter and a braille pattern with dots are fine.
#[tokio::test]
async fn names_need_a_visible_character() {
    let base = api().inventory.url();
    for name in [
        "\u{2800}",
        "\u{301}\u{301}",
        " \u{301} ",
        "\u{3000}\u{2800}\u{3000}",
        "\u{2800}\u{301}",
    ] {
        let answer = create(&base, &json!({"name": name, "price": 1, "quantity": 1})).await;
        assert_error(&answer, 422, "validation_failed");
        assert_eq!(answer.body["error"]["field"], "name", "{name:?}");
        assert!(
            answer.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("visible"),
            "{}",
            answer.raw
        );
    }
    for name in ["e\u{301}", "\u{2801}", "_", "🇫🇷"] {
        let answer = create(&base, &json!({"name": name, "price": 1, "quantity": 1})).await;
        assert_eq!(answer.status, 201, "{name:?}: {}", answer.raw);
    }
}

/// A body with a `Content-Encoding` other than `identity` is refused with 415 naming the encoding
/// (and `Accept-Encoding: identity`, RFC 9110 §15.5.16), never read as if it were plain JSON; the
/// request stores nothing.
#[tokio::test]
async fn compressed_bodies_are_refused_naming_the_encoding() {
    let base = api().inventory.url();
    let body = json!({"name": "compressed", "price": 1, "quantity": 1}).to_string();
    for (encoding, named) in [
        ("gzip", "gzip"),
        ("br", "br"),
        ("deflate, gzip", "deflate"),
        ("x-custom", "x-custom"),
    ] {
        let answer = request("POST", format!("{base}/products"))
            .header("Content-Encoding", encoding)
            .raw_body(JSON, body.clone())
            .send()
            .await;
        assert_error(&answer, 415, "unsupported_media_type");
        let message = answer.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(named), "{encoding}: {message}");
        assert_eq!(answer.header("accept-encoding"), Some("identity"), "{encoding}");
    }
    let listed = request("GET", format!("{base}/products")).send().await;
    assert!(
        !listed.raw.contains("compressed"),
        "nothing stored: {}",
        listed.raw
    );
    let identity = request("POST", format!("{base}/products"))
        .header("Content-Encoding", "identity")
        .raw_body(JSON, body)
        .send()
        .await;
    assert_eq!(identity.status, 201, "identity is no encoding: {}", identity.raw);
}
