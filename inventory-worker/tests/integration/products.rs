//! The catalogue as the tutorial uses it, through wrangler dev.

use crate::common::{api, create, request};
use serde_json::json;

#[tokio::test]
async fn the_tutorial_story_create_list_read_delete() {
    let base = api().inventory.url();
    let created = create(
        &base,
        &json!({"name": "Tutorial widget", "price": 20, "quantity": 100}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.raw);
    assert_eq!(
        created.content_type.as_deref(),
        Some("application/json; charset=utf-8")
    );
    let id = created.body["id"].as_str().expect("an id").to_owned();
    assert_eq!(
        created.body,
        json!({"id": id, "name": "Tutorial widget", "price": 20, "quantity": 100, "available": 100, "etag": "\"1.0\""})
    );

    let list = request("GET", format!("{base}/products")).send().await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.as_array().unwrap().contains(&created.body),
        "the new product is listed"
    );

    let read = request("GET", format!("{base}/products/{id}")).send().await;
    assert_eq!((read.status, &read.body), (200, &created.body));

    let deleted = request("DELETE", format!("{base}/products/{id}")).send().await;
    assert_eq!((deleted.status, deleted.raw.as_str()), (204, ""));
    let gone = request("GET", format!("{base}/products/{id}")).send().await;
    gone.assert_error(404, "not_found");
    let again = request("DELETE", format!("{base}/products/{id}")).send().await;
    assert_eq!(again.status, 404, "deleting twice finds nothing the second time");
}

#[tokio::test]
async fn the_tutorial_frontend_sends_strings_and_cents_stay_exact() {
    let base = api().inventory.url();
    let created = create(
        &base,
        &json!({"name": "Strings", "price": "19.99", "quantity": "3"}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.raw);
    assert_eq!(
        (created.body["price"].clone(), created.body["quantity"].clone()),
        (json!(19.99), json!(3))
    );
    let raw = request(
        "GET",
        format!("{base}/products/{}", created.body["id"].as_str().unwrap()),
    )
    .send()
    .await
    .raw;
    assert!(
        raw.contains("\"price\":19.99"),
        "shown as a decimal number: {raw}"
    );
}

#[tokio::test]
async fn patch_restocks_and_reprices() {
    let base = api().inventory.url();
    let created = create(&base, &json!({"name": "Restock me", "price": 5, "quantity": 1})).await;
    let url = format!("{base}/products/{}", created.body["id"].as_str().unwrap());
    let patched = request("PATCH", &url)
        .json(&json!({"quantity": 250, "price": "4.5"}))
        .send()
        .await;
    assert_eq!(patched.status, 200, "{}", patched.raw);
    assert_eq!(
        (patched.body["quantity"].clone(), patched.body["price"].clone()),
        (json!(250), json!(4.5))
    );
    assert_eq!(patched.body["name"], "Restock me");
    assert_eq!(
        request("GET", &url).send().await.body,
        patched.body,
        "the change is stored"
    );

    let renamed = request("PATCH", &url)
        .json(&json!({"name": "Renamed"}))
        .send()
        .await;
    assert_eq!(
        (renamed.body["name"].clone(), renamed.body["quantity"].clone()),
        (json!("Renamed"), json!(250))
    );
}

#[tokio::test]
async fn the_list_is_oldest_first() {
    let base = api().inventory.url();
    let mut ids = Vec::new();
    for n in 0..3 {
        let created = create(
            &base,
            &json!({"name": format!("order test {n}"), "price": 1, "quantity": n}),
        )
        .await;
        ids.push(created.body["id"].as_str().unwrap().to_owned());
        // Ids carry milliseconds: keep creations in distinct ones.
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let all = request("GET", format!("{base}/products")).send().await;
    let listed: Vec<String> = all.ids().into_iter().filter(|id| ids.contains(id)).collect();
    assert_eq!(listed, ids);
}

#[tokio::test]
async fn the_list_pages_stably_through_link_headers() {
    let base = api().inventory.url();
    let mut ours = Vec::new();
    let add = |n: usize| {
        let base = base.clone();
        async move {
            let created = create(
                &base,
                &json!({"name": format!("paging {n}"), "price": 1, "quantity": 1}),
            )
            .await;
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            created.text("id")
        }
    };
    for n in 0..7 {
        ours.push(add(n).await);
    }
    let (deleted_seen, deleted_unseen) = (ours[0].clone(), ours[6].clone());

    let mut url = Some(format!("{base}/products?limit=3"));
    let (mut listed, mut pages) = (Vec::new(), 0);
    while let Some(next) = url {
        let page = request("GET", next).send().await;
        assert_eq!(page.status, 200, "{}", page.raw);
        let ids = page.ids();
        assert!(ids.len() <= 3, "{}", page.raw);
        listed.extend(ids);
        url = page.next_page();
        if pages == 0 {
            // Between pages: one of ours already shown and one not yet shown are deleted, and
            // two more are added (after all the others).
            for id in [&deleted_seen, &deleted_unseen] {
                let gone = request("DELETE", format!("{base}/products/{id}")).send().await;
                assert_eq!(gone.status, 204);
            }
            ours.push(add(7).await);
            ours.push(add(8).await);
        }
        pages += 1;
        assert!(pages < 10_000, "the pages never end");
    }
    let mut unique = listed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "no product is listed twice");
    // Every product that existed throughout is there once, in creation order, and so are those
    // added after the first page; the deleted one not shown yet is not there; the one deleted
    // after it was shown may be there (shown on the first page) or not.
    let ours_listed: Vec<&String> = listed.iter().filter(|id| ours.contains(id)).collect();
    let expected: Vec<&String> = ours.iter().filter(|id| **id != deleted_unseen).collect();
    let without_shown: Vec<&String> = expected
        .iter()
        .copied()
        .filter(|id| **id != deleted_seen)
        .collect();
    assert!(
        ours_listed == expected || ours_listed == without_shown,
        "{ours_listed:?} vs {expected:?}"
    );

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("cursor=junk", "cursor"),
    ] {
        let bad = request("GET", format!("{base}/products?{query}")).send().await;
        bad.assert_error_for(422, "validation_failed", format_args!("{query}"));
        assert_eq!(bad.body["error"]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn health_pings_redis() {
    let health = request("GET", format!("{}/health", api().inventory.url()))
        .send()
        .await;
    assert_eq!(
        (health.status, health.body.clone()),
        (
            200,
            json!({"status": "ok", "service": "inventory", "redis": "ok"})
        )
    );
}
