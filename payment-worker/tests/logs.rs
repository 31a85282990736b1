//! What an operator sees: one JSON line per request, a 5xx with its whole cause (which the client
//! never gets), one request id across the three workers, and no token in any log line.

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
            ..ShopVars::default()
        })
        .expect("the shop starts")
    })
}

/// The JSON lines of a worker's log so far. `wrangler dev` prints a `console.error` line (a 5xx)
/// behind an "✘ [ERROR]" mark in colour: the JSON is what lies between the braces.
fn lines(worker: &Worker) -> Vec<Value> {
    let text = std::fs::read_to_string(worker.log_path().expect("a log file")).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.get(l.find('{')?..=l.rfind('}')?))
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
async fn one_request_id_follows_an_order_through_the_three_workers() {
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
    assert_eq!(
        placed["redis_round_trips"], 1,
        "the order's own transaction: {placed}"
    );
    assert!(placed["duration_ms"].is_u64() && placed["ts"].as_str().is_some_and(|t| t.ends_with('Z')));
    let priced = logged(&shop.inventory, "the reservation", |l| {
        ours(l) && l["route"] == "/internal/reservations"
    })
    .await;
    assert_eq!(
        (&priced["status"], &priced["redis_round_trips"]),
        (&json!(200), &json!(1))
    );
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

#[tokio::test]
async fn a_500_logs_its_cause_and_answers_only_internal_error() {
    let shop = shop();
    let product = create(shop, 1).await;
    // A product key of the wrong type: Redis answers WRONGTYPE, which no request can cause.
    let key = keys().product(&product);
    redis(shop).send(&Command::new("DEL").arg(&key)).await.unwrap();
    redis(shop)
        .send(&Command::new("SET").arg(&key).arg("not a hash"))
        .await
        .unwrap();

    // Sent by hand: the tests' client refuses to see a 500.
    let res = reqwest::Client::new()
        .get(format!("{}/products/{product}", shop.inventory.url()))
        .header("X-Request-Id", "forced-500")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 500);
    let body: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
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
            let leaked = text
                .lines()
                .filter(|l| l.starts_with('{'))
                .any(|l| l.contains(secret));
            assert!(!leaked, "a JSON line of {} holds a token", worker.url());
        }
    }
}
