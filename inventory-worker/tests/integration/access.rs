//! CORS for the allowed origins only (ETag readable, If-Match allowed), and ADMIN_TOKEN guarding
//! mutations (adjustments too) and the back office's ledger while reads stay public.

use crate::common::{api_with, create, request, Answer, Request};
use serde_json::{json, Value};

const ADMIN: &str = "test-admin-token";

fn api() -> &'static crate::common::Api {
    api_with(&[
        ("ADMIN_TOKEN", ADMIN),
        ("ALLOWED_ORIGINS", "http://localhost:3000,https://shop.example"),
    ])
}

/// `POST /products` with the admin token.
async fn create_as_admin(base: &str, body: &Value) -> Answer {
    request("POST", format!("{base}/products"))
        .header("Authorization", &format!("Bearer {ADMIN}"))
        .json(body)
        .send()
        .await
}

/// A request to `/products` as a browser on `origin` sends it.
fn from_origin(method: &str, base: &str, origin: &str) -> Request {
    request(method, format!("{base}/products")).header("Origin", origin)
}

#[tokio::test]
async fn mutations_need_the_admin_token() {
    let base = api().inventory.url();
    let body = json!({"name": "guarded", "price": 1, "quantity": 1});
    let anonymous = create(&base, &body).await;
    anonymous.assert_error(401, "unauthorized");
    let wrong = request("POST", format!("{base}/products"))
        .header("Authorization", "Bearer nope")
        .json(&body)
        .send()
        .await;
    assert_eq!(wrong.status, 401);

    let created = create_as_admin(&base, &body).await;
    assert_eq!(created.status, 201, "{}", created.raw);
    let url = format!("{base}/products/{}", created.body["id"].as_str().unwrap());

    assert_eq!(request("GET", &url).send().await.status, 200, "reads stay public");
    assert_eq!(
        request("GET", format!("{base}/products")).send().await.status,
        200
    );
    assert_eq!(
        request("PATCH", &url)
            .json(&json!({"quantity": 2}))
            .send()
            .await
            .status,
        401
    );
    assert_eq!(request("DELETE", &url).send().await.status, 401);
    let adjustment = json!({"delta": 5, "reason": "restock"});
    let adjust = |auth: Option<&str>| {
        let req = request("POST", format!("{url}/adjustments")).json(&adjustment);
        match auth {
            Some(auth) => req.header("Authorization", auth),
            None => req,
        }
    };
    assert_eq!(adjust(None).send().await.status, 401);
    assert_eq!(
        request("GET", format!("{url}/ledger")).send().await.status,
        401,
        "the ledger is the back office's"
    );
    assert_eq!(
        request("GET", &url).send().await.body["quantity"],
        1,
        "refused changes changed nothing"
    );
    let bearer = format!("Bearer {ADMIN}");
    let adjusted = adjust(Some(&bearer)).send().await;
    assert_eq!(
        (adjusted.status, adjusted.body["quantity"].as_u64()),
        (200, Some(6)),
        "{}",
        adjusted.raw
    );
    let ledger = request("GET", format!("{url}/ledger"))
        .header("Authorization", &bearer)
        .send()
        .await;
    assert_eq!(
        (ledger.status, ledger.body.as_array().map(Vec::len)),
        (200, Some(2))
    );
    let deleted = request("DELETE", &url)
        .header("Authorization", &format!("Bearer {ADMIN}"))
        .send()
        .await;
    assert_eq!(deleted.status, 204);
}

#[tokio::test]
async fn cors_answers_allowed_origins_only() {
    let base = api().inventory.url();
    let allowed = from_origin("GET", &base, "https://shop.example").send().await;
    assert_eq!(allowed.allow_origin.as_deref(), Some("https://shop.example"));
    let other = from_origin("GET", &base, "https://evil.example").send().await;
    assert_eq!(other.allow_origin, None);

    let preflight = from_origin("OPTIONS", &base, "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type, authorization, if-match",
        )
        .send()
        .await;
    assert_eq!(preflight.status, 204);
    let asked = preflight
        .header("Access-Control-Allow-Headers")
        .unwrap_or_default();
    assert!(
        asked.contains("If-Match") && asked.contains("If-None-Match"),
        "{asked}"
    );
    let exposed = allowed
        .header("Access-Control-Expose-Headers")
        .unwrap_or_default();
    assert!(exposed.contains("ETag"), "a page can read the ETag: {exposed}");
    assert_eq!(preflight.allow_origin.as_deref(), Some("http://localhost:3000"));
    let refused = from_origin("OPTIONS", &base, "https://evil.example").send().await;
    assert_eq!(refused.allow_origin, None);
    assert!(refused.status >= 400);

    let error = create(&base, &json!({})).await;
    assert_eq!(error.status, 401);
    let error_with_origin = from_origin("POST", &base, "http://localhost:3000")
        .json(&json!({}))
        .send()
        .await;
    assert_eq!(
        error_with_origin.allow_origin.as_deref(),
        Some("http://localhost:3000"),
        "errors are readable too"
    );
}

/// A request may name any `Host`: nothing the worker answers points there. Behind a cache or a
/// custom domain a reflected host would be handed to every client (a poisoned `Link` or
/// `servers`), so links are relative and resolve against the URL the client itself asked for.
#[tokio::test]
async fn a_foreign_host_is_never_reflected() {
    let base = api().inventory.url();
    for n in 0..3 {
        let body = json!({"name": format!("hosted {n}"), "price": 1, "quantity": 1});
        assert_eq!(create_as_admin(&base, &body).await.status, 201);
    }
    let foreign = |path: &str| {
        request("GET", format!("{base}{path}"))
            .header("Host", "evil.example")
            .header("X-Forwarded-Host", "evil.example")
    };
    for path in [
        "/products?limit=2",
        "/openapi.json",
        "/docs",
        "/health",
        "/config",
        "/nope",
    ] {
        let answer = foreign(path).send().await;
        for (name, value) in &answer.headers {
            assert!(!value.contains("evil.example"), "{path}: {name}: {value}");
        }
        assert!(!answer.raw.contains("evil.example"), "{path}: {}", answer.raw);
    }
    let page = foreign("/products?limit=2").send().await;
    let next = page.next_page().expect("a Link to the next page");
    assert!(
        next.starts_with(&format!("{base}/products?limit=2&cursor=")),
        "{next}"
    );
    assert_eq!(request("GET", next).send().await.status, 200);
    let document = foreign("/openapi.json").send().await;
    assert_eq!(document.body["servers"], json!([{"url": "/"}]));
}

/// `OPTIONS` is a CORS preflight only from an allowed origin that asks for a method; anything else
/// is answered as any method the path lacks (405 with `Allow`, or 404 for no such path), without
/// CORS permissions.
#[tokio::test]
async fn options_that_is_no_allowed_preflight_is_an_unknown_method() {
    let base = api().inventory.url();
    for origin in [None, Some("https://evil.example")] {
        let mut options =
            request("OPTIONS", format!("{base}/products")).header("Access-Control-Request-Method", "POST");
        if let Some(origin) = origin {
            options = options.header("Origin", origin);
        }
        let answer = options.send().await;
        answer.assert_error_for(405, "method_not_allowed", format_args!("{origin:?}"));
        assert_eq!(answer.allow.as_deref(), Some("GET, HEAD, POST"), "{origin:?}");
        assert_eq!(answer.allow_origin, None, "{origin:?}");
        assert_eq!(answer.header("access-control-allow-methods"), None, "{origin:?}");
    }
    let nowhere = request("OPTIONS", format!("{base}/nope")).send().await;
    nowhere.assert_error(404, "not_found");
    // From an allowed origin but no preflight (no Access-Control-Request-Method): the 405 is
    // readable by that origin, as every answer is.
    let plain = from_origin("OPTIONS", &base, "https://shop.example").send().await;
    assert_eq!(
        (plain.status, plain.allow.as_deref()),
        (405, Some("GET, HEAD, POST"))
    );
    assert_eq!(plain.allow_origin.as_deref(), Some("https://shop.example"));
}
