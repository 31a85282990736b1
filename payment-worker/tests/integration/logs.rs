//! What an operator sees: one JSON line per request, a 5xx with its whole cause (which the client
//! never gets), one request id across the workers an order goes through (the payment worker, its
//! background payment and the consumer run it nudges), and no token in any log line.

use std::sync::OnceLock;

use dev_stack::{Shop, ShopVars, Worker};
use serde_json::{json, Value};
use shop_tests::*;
use upstash_rest::Command;

const ADMIN_TOKEN: &str = "admin-token-that-must-never-be-logged";

fn shop() -> &'static Shop {
    static SHOP: OnceLock<Shop> = OnceLock::new();
    SHOP.get_or_init(|| {
        Shop::start(ShopVars {
            inventory: &[("ADMIN_TOKEN", ADMIN_TOKEN)],
            payment: &[FAST_PAYMENT],
            ..ShopVars::open()
        })
        .expect("the shop starts")
    })
}

/// The lines of a worker's log so far, each one JSON object (see the last test).
fn lines(worker: &Worker) -> Vec<Value> {
    let text = std::fs::read_to_string(worker.log_path().expect("a log file")).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Waits until `worker` has logged a line that `matches`, and returns it.
async fn logged(worker: &Worker, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
    eventually(what, || async { lines(worker).into_iter().find(|l| matches(l)) }).await
}

async fn create(shop: &Shop, quantity: u64) -> String {
    let answer = request("POST", format!("{}/products", shop.inventory.url()))
        .header("Authorization", &format!("Bearer {ADMIN_TOKEN}"))
        .json(&json!({"name": "Logged", "price": 20, "quantity": quantity}))
        .send()
        .await;
    assert_eq!(answer.status, 201, "{}", answer.raw);
    answer.text("id")
}

#[tokio::test]
async fn one_request_id_follows_an_order_through_its_payment_and_the_consumer() {
    let shop = shop();
    let product = create(shop, 10).await;
    let answer = request("POST", format!("{}/orders", shop.payment.url()))
        .header("X-Request-Id", "order-trace-42")
        .json(&json!({"id": product, "quantity": 3}))
        .send()
        .await;
    assert_eq!(answer.status, 201, "{}", answer.raw);
    let order = answer.text("id");
    let ours = |l: &Value| l["request_id"] == "order-trace-42";

    let placed = logged(&shop.payment, "the order's request line", |l| {
        ours(l) && l["route"] == "/orders"
    })
    .await;
    assert_eq!(
        (&placed["method"], &placed["status"], &placed["worker"]),
        (&json!("POST"), &json!(201), &json!("payment"))
    );
    assert_eq!(placed["redis_round_trips"], 1, "the order's own script: {placed}");
    assert!(placed["duration_ms"].is_u64() && placed["ts"].as_str().is_some_and(|t| t.ends_with('Z')));
    let paid = logged(&shop.payment, "the background payment", |l| {
        ours(l) && l["event"] == "payment_completed"
    })
    .await;
    assert_eq!(paid["order_id"], order.as_str());
    logged(&shop.consumer, "the consumer run it nudged", |l| {
        ours(l) && l["event"] == "consumer_run" && l["report"]["applied"].as_u64() >= Some(1)
    })
    .await;
}

/// A product whose key has the wrong type: reading it makes Redis answer WRONGTYPE, which no
/// request can cause, so the read is a 500. Returns the product's key (to delete afterwards).
async fn break_product(shop: &Shop, product: &str) -> String {
    let key = keys().product(product);
    redis(shop).send(&Command::new("DEL").arg(&key)).await.unwrap();
    redis(shop)
        .send(&Command::new("SET").arg(&key).arg("not a hash"))
        .await
        .unwrap();
    key
}

/// `GET /products/{product}` with `request_id`, sent by hand: the tests' client refuses to see a
/// 500. Returns the status and the body.
async fn read_by_hand(shop: &Shop, product: &str, request_id: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .get(format!("{}/products/{product}", shop.inventory.url()))
        .header("X-Request-Id", request_id)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, serde_json::from_str(&res.text().await.unwrap()).unwrap())
}

#[tokio::test]
async fn a_500_logs_its_cause_and_answers_only_internal_error() {
    let shop = shop();
    let product = create(shop, 1).await;
    let key = break_product(shop, &product).await;
    let (status, body) = read_by_hand(shop, &product, "forced-500").await;
    assert_eq!(status, 500);
    assert_eq!(body["error"]["code"], "internal_error");
    assert!(!body.to_string().contains("WRONGTYPE"), "{body}");

    let line = logged(&shop.inventory, "the 500's line", |l| {
        l["request_id"] == "forced-500"
    })
    .await;
    assert_eq!(
        (&line["status"], &line["error_code"], &line["level"]),
        (&json!(500), &json!("internal_error"), &json!("error"))
    );
    assert!(
        line["cause"].as_str().is_some_and(|c| c.contains("WRONGTYPE")),
        "{line}"
    );
    redis(shop).send(&Command::new("DEL").arg(&key)).await.unwrap();
}

#[tokio::test]
async fn no_token_ever_reaches_a_log() {
    let shop = shop();
    // Requests that carry the tokens: the right admin token, a wrong one, and the Redis token
    // itself, each in the Authorization header and in the body.
    let redis_token = shop.stack.gateway.token().to_owned();
    let base = shop.inventory.url();
    for token in [ADMIN_TOKEN, "wrong", &redis_token] {
        request("POST", format!("{base}/products"))
            .header("Authorization", &format!("Bearer {token}"))
            .json(&json!({"name": token, "price": 1, "quantity": 1}))
            .send()
            .await;
    }
    let _ = logged(&shop.inventory, "some request line", |l| {
        l["route"] == "/products"
    })
    .await;
    for worker in [&shop.inventory, &shop.payment, &shop.consumer] {
        let text = std::fs::read_to_string(worker.log_path().unwrap()).unwrap();
        for secret in [ADMIN_TOKEN, redis_token.as_str()] {
            assert!(
                !text.contains(secret),
                "a line of {}'s log holds a token",
                worker.url()
            );
        }
    }
}

/// Every line of every worker's log is one JSON object, so that `jq` (or any log tool) reads a log
/// whole: the workers' lines after a 2xx, a 4xx and a 5xx (the 5xx's above all: the line an
/// operator needs most), and wrangler's own lines, wrapped.
#[tokio::test]
async fn every_line_of_every_log_is_one_json_object() {
    let shop = shop();
    let product = create(shop, 1).await;
    let missing = request(
        "GET",
        format!("{}/products/01ARZ3NDEKTSV4RRFFQ69G5FAV", shop.inventory.url()),
    )
    .header("X-Request-Id", "every-line-404")
    .send()
    .await;
    assert_eq!(missing.status, 404);
    let key = break_product(shop, &product).await;
    assert_eq!(read_by_hand(shop, &product, "every-line-500").await.0, 500);
    redis(shop).send(&Command::new("DEL").arg(&key)).await.unwrap();
    for (id, status) in [("every-line-404", 404), ("every-line-500", 500)] {
        let line = logged(&shop.inventory, id, |l| l["request_id"] == id).await;
        assert_eq!(line["status"], status, "{line}");
    }
    for worker in [&shop.inventory, &shop.payment, &shop.consumer] {
        let path = worker.log_path().expect("a log file");
        let text = std::fs::read_to_string(path).unwrap();
        // Up to the last line break: a line being written right now is not finished yet.
        let done = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
        for (n, line) in done.lines().enumerate() {
            let parsed: Result<Value, _> = serde_json::from_str(line);
            assert!(
                parsed.is_ok_and(|v| v.is_object()),
                "{}:{}: not one JSON object: {line:?}",
                path.display(),
                n + 1
            );
        }
    }
}
