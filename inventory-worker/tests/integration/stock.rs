//! Stock you can audit, through real `wrangler dev` + gateway + redis-server: every product
//! answer carries its `ETag` (and its `etag`); `If-Match` with a stale tag is 412 with the
//! current tag and changes nothing (PATCH, DELETE, an adjustment), with the current one it goes
//! through; `If-None-Match` with the current tag is 304 without a body; an adjustment adds to on
//! hand (200 with the product), refused below what is reserved (409), below 0 or past the
//! maximum (422 naming `delta`); the ledger pages newest first with `Link`, and another list's
//! cursor is 422.

use crate::common::{api, create, request, Answer};
use serde_json::{json, Value};

async fn product(base: &str, quantity: u64) -> (String, Answer) {
    let created = create(
        base,
        &json!({"name": "Widget", "price": 20, "quantity": quantity}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.raw);
    (format!("{base}/products/{}", created.text("id")), created)
}

async fn adjust(url: &str, body: Value, if_match: Option<&str>) -> Answer {
    let req = request("POST", format!("{url}/adjustments")).json(&body);
    match if_match {
        Some(tag) => req.header("If-Match", tag),
        None => req,
    }
    .send()
    .await
}

/// Panics unless `answer` is a 200 with the product, `quantity` on hand.
fn assert_product(answer: &Answer, quantity: u64) {
    let got = (answer.status, answer.body["quantity"].as_u64());
    assert_eq!(got, (200, Some(quantity)), "{}", answer.raw);
}

fn etag(answer: &Answer) -> String {
    let header = answer
        .header("ETag")
        .unwrap_or_else(|| panic!("no ETag: {answer:?}"));
    assert_eq!(answer.body["etag"], header, "the body's etag is the header's");
    header.to_owned()
}

#[tokio::test]
async fn a_stale_etag_changes_nothing_and_the_current_one_goes_through() {
    let base = api().inventory.url();
    let (url, created) = product(&base, 50).await;
    assert_eq!(etag(&created), "\"1.0\"");
    let read = request("GET", &url).send().await;
    let first = etag(&read);

    // Someone else restocks in between.
    let restocked = adjust(&url, json!({"delta": 10, "reason": "restock"}), None).await;
    assert_product(&restocked, 60);
    let current = etag(&restocked);
    assert_ne!(current, first);

    // The client's "+10" on its stale read: refused, with the current tag.
    let stale = request("PATCH", &url)
        .header("If-Match", &first)
        .json(&json!({"quantity": 60}))
        .send()
        .await;
    stale.assert_error(412, "precondition_failed");
    assert_eq!(stale.header("ETag"), Some(current.as_str()));
    assert!(stale.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains(&current));
    for stale in [
        request("DELETE", &url).header("If-Match", &first).send().await,
        adjust(&url, json!({"delta": -1, "reason": "damaged"}), Some(&first)).await,
        request("PATCH", &url)
            .header("If-Match", "\"nope\"")
            .json(&json!({"quantity": 1}))
            .send()
            .await,
    ] {
        assert_eq!(
            (stale.status, stale.header("ETag")),
            (412, Some(current.as_str())),
            "{}",
            stale.raw
        );
    }
    let unchanged = request("GET", &url).send().await;
    assert_eq!(
        (unchanged.body["quantity"].as_u64(), etag(&unchanged)),
        (Some(60), current.clone())
    );

    // With the current tag (in a list, as RFC 9110 allows), it goes through.
    let set = request("PATCH", &url)
        .header("If-Match", &format!("{first}, {current}"))
        .json(&json!({"quantity": 70}))
        .send()
        .await;
    assert_product(&set, 70);
    let newest = etag(&set);
    let malformed = request("PATCH", &url)
        .header("If-Match", "3.0")
        .json(&json!({"quantity": 1}))
        .send()
        .await;
    assert_eq!(
        (malformed.status, malformed.body["error"]["field"].as_str()),
        (422, Some("If-Match"))
    );
    let deleted = request("DELETE", &url).header("If-Match", &newest).send().await;
    assert_eq!(deleted.status, 204);
}

#[tokio::test]
async fn if_none_match_with_the_current_etag_is_304_without_a_body() {
    let base = api().inventory.url();
    let (url, created) = product(&base, 5).await;
    let tag = etag(&created);
    let cached = request("GET", &url).header("If-None-Match", &tag).send().await;
    assert_eq!((cached.status, cached.raw.as_str()), (304, ""));
    assert_eq!(cached.header("ETag"), Some(tag.as_str()));
    let any = request("GET", &url).header("If-None-Match", "*").send().await;
    assert_eq!(any.status, 304);
    adjust(&url, json!({"delta": 1, "reason": "return"}), None).await;
    let changed = request("GET", &url).header("If-None-Match", &tag).send().await;
    assert_product(&changed, 6);
    assert_ne!(etag(&changed), tag);
}

#[tokio::test]
async fn adjustments_are_refused_below_reserved_below_zero_and_past_the_maximum() {
    let base = api().inventory.url();
    let (url, _) = product(&base, 10).await;
    let cases = [
        (
            json!({"delta": -11, "reason": "count"}),
            422,
            "validation_failed",
            Some("delta"),
        ),
        (
            json!({"delta": 999_999_991, "reason": "restock"}),
            422,
            "validation_failed",
            Some("delta"),
        ),
        (
            json!({"delta": 0, "reason": "count"}),
            422,
            "validation_failed",
            Some("delta"),
        ),
        (
            json!({"delta": 1, "reason": "theft"}),
            422,
            "validation_failed",
            Some("reason"),
        ),
        (
            json!({"delta": 1, "reason": "other", "note": ""}),
            422,
            "validation_failed",
            Some("note"),
        ),
    ];
    for (body, status, code, field) in cases {
        let answer = adjust(&url, body.clone(), None).await;
        assert_eq!(
            (
                answer.status,
                answer.error_code(),
                answer.body["error"]["field"].as_str()
            ),
            (status, code, field),
            "{body}: {}",
            answer.raw
        );
    }
    let missing = adjust(
        &format!("{base}/products/01JDQ3T0X6M6V1W3C6W7N5K8ZP"),
        json!({"delta": 1, "reason": "count"}),
        None,
    )
    .await;
    assert_eq!(missing.status, 404);
    let read = request("GET", &url).send().await;
    assert_eq!(
        (read.body["quantity"].as_u64(), etag(&read)),
        (Some(10), "\"1.0\"".to_owned()),
        "nothing changed"
    );
    let ledger = request("GET", format!("{url}/ledger")).send().await;
    assert_eq!(ledger.body.as_array().map(Vec::len), Some(1), "{}", ledger.raw);
}

#[tokio::test]
async fn the_ledger_pages_newest_first_with_link() {
    let base = api().inventory.url();
    let (url, _) = product(&base, 0).await;
    for n in 1..=4 {
        let body = json!({"delta": n, "reason": "restock", "note": format!("delivery {n}")});
        assert_eq!(adjust(&url, body, None).await.status, 200);
    }
    request("PATCH", &url).json(&json!({"quantity": 3})).send().await;
    let mut next = Some(format!("{url}/ledger?limit=2"));
    let mut entries: Vec<Value> = Vec::new();
    while let Some(page) = next {
        let answer = request("GET", &page).send().await;
        assert_eq!(answer.status, 200, "{}", answer.raw);
        entries.extend(answer.body.as_array().unwrap().iter().cloned());
        next = answer.next_page();
    }
    let reasons: Vec<&str> = entries.iter().map(|e| e["reason"].as_str().unwrap()).collect();
    assert_eq!(
        reasons,
        [
            "set",
            "adjustment",
            "adjustment",
            "adjustment",
            "adjustment",
            "created"
        ]
    );
    assert_eq!(
        (
            entries[0]["change"].as_i64(),
            entries[0]["quantity_after"].as_i64()
        ),
        (Some(-7), Some(3))
    );
    assert_eq!(entries[1]["adjustment_reason"], "restock");
    assert_eq!(entries[1]["note"], "delivery 4");
    assert!(
        entries[1].get("order_id").is_none(),
        "absent, not null: {}",
        entries[1]
    );
    assert!(entries[0]["at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        entries.iter().map(|e| e["change"].as_i64().unwrap()).sum::<i64>(),
        3
    );

    let other_list = request(
        "GET",
        format!("{url}/ledger?cursor=products.1-01JDQ3T0X6M6V1W3C6W7N5K8ZP"),
    )
    .send()
    .await;
    assert_eq!(
        (other_list.status, other_list.body["error"]["field"].as_str()),
        (422, Some("cursor"))
    );
    let unknown = request(
        "GET",
        format!("{base}/products/01JDQ3T0X6M6V1W3C6W7N5K8ZP/ledger"),
    )
    .send()
    .await;
    assert_eq!(unknown.status, 404);
}
