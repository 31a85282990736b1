//! The operator's side of issue 17, end to end through the three workers under real `wrangler
//! dev` + gateway + redis-server, with an admin token: 100 concurrent restocks (+1 adjustments)
//! interleaved with 40 orders, their payments and consumer runs, and a conditional PATCH of
//! another product, end at the exact count, and the live audit is `ok`; `reserved` corrupted by
//! hand is named by the audit and repaired (once: the second repair changes nothing); a poison
//! event is dead-lettered, listed, replayed after its cause is fixed and applied once, the books
//! `ok`; a replay of an event whose effect already happened changes nothing; discards remove one
//! or all; every operator route needs the token and logs with the request id; the replay action's
//! path answers its own methods only; what the audit, its repair and the dead letters' routes cost
//! in round trips.

use dev_stack::http::{eventually, request, Answer};
use dev_stack::{Admin, Shop, ShopVars, Worker};
use domain::{FeeRate, Id, LineRequest, Quantity};
use futures_util::future::join_all;
use serde_json::{json, Value};
use store::schema::{dead_letter, event, order, DEFAULT_PREFIX};
use store::{test_support, Keys, Orders, Placed, Placement, Stream};
use upstash_rest::{Client, Command, ReqwestTransport};

const ADMIN: &str = "operations-admin-token";
const BEARER: &str = "Bearer operations-admin-token";

fn shop() -> Shop {
    Shop::start(ShopVars {
        admin: Admin::Token(ADMIN),
        inventory: &[],
        payment: &[("PAYMENT_DELAY_MS", "300")],
        // A held event is reclaimed at once, so that five runs deliver it five times.
        consumer: &[("RECLAIM_IDLE_MS", "0")],
    })
    .expect("the shop starts")
}

/// A request as the back office sends it.
fn admin(method: &str, url: String) -> dev_stack::http::Request {
    request(method, url).header("Authorization", BEARER)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

async fn create(shop: &Shop, quantity: u64) -> String {
    let answer = admin("POST", format!("{}/products", shop.inventory.url()))
        .json(&json!({"name": "Stocked", "price": 20, "quantity": quantity}))
        .send()
        .await;
    assert_eq!(answer.status, 201, "{}", answer.raw);
    answer.text("id")
}

async fn product(shop: &Shop, id: &str) -> Value {
    request("GET", format!("{}/products/{id}", shop.inventory.url()))
        .send()
        .await
        .body
}

async fn adjust(shop: &Shop, id: &str, delta: i64) -> Answer {
    admin(
        "POST",
        format!("{}/products/{id}/adjustments", shop.inventory.url()),
    )
    .json(&json!({"delta": delta, "reason": "restock"}))
    .send()
    .await
}

async fn sell(shop: &Shop, id: &str) -> Answer {
    request("POST", format!("{}/orders", shop.payment.url()))
        .json(&json!({"id": id, "quantity": 1}))
        .send()
        .await
}

async fn audit(shop: &Shop) -> Value {
    let answer = admin("GET", format!("{}/audit", shop.consumer.url()))
        .send()
        .await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    assert_eq!(answer.body["complete"], true, "{}", answer.raw);
    answer.body
}

async fn stats(shop: &Shop) -> Value {
    request("GET", format!("{}/stats", shop.consumer.url()))
        .send()
        .await
        .body
}

/// Waits until every order is settled and every event applied.
async fn idle(shop: &Shop) {
    eventually("every order paid and applied", || async {
        let pending = redis(shop)
            .send(&Command::new("ZCARD").arg(keys().pending_orders()))
            .await
            .unwrap()
            .as_int();
        let stats = stats(shop).await;
        let streams_done = ["order_completed", "refund_order"].iter().all(|s| {
            stats["streams"][s]["pending"] == 0 && stats["streams"][s]["oldest_undelivered_age_ms"].is_null()
        });
        (pending == Some(0) && streams_done).then_some(())
    })
    .await;
}

fn redis(shop: &Shop) -> Client<ReqwestTransport> {
    test_support::client(&shop.stack.gateway)
}

fn keys() -> Keys {
    Keys::new(DEFAULT_PREFIX)
}

/// The problems of an audit answer as (kind, product or order).
fn problems(report: &Value) -> Vec<(String, String)> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let who = p.get("product_id").or(p.get("order_id")).and_then(Value::as_str);
            (
                p["kind"].as_str().unwrap().to_owned(),
                who.unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The JSON lines of a worker's log so far.
fn log_lines(worker: &Worker) -> Vec<Value> {
    let text = std::fs::read_to_string(worker.log_path().expect("a log file")).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.get(l.find('{')?..=l.rfind('}')?))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// A paid order of `units` of `product` placed behind the payment worker's back (its event in
/// the stream, no nudge), after `damage` is done to it: a poison event no consumer run has seen.
async fn paid_behind_the_back(shop: &Shop, product: &str, units: u64, damage: &[&str]) -> Id {
    let client = redis(shop);
    let keys = keys();
    let orders = Orders::new(&client, &keys);
    let id = Id::generate(now(), [42; 10]);
    let lines = [LineRequest {
        product_id: Id::parse(product).unwrap(),
        quantity: Quantity::new(units).unwrap(),
    }];
    let placement = Placement {
        id: &id,
        lines: &lines,
        fee_rate: FeeRate::TUTORIAL,
        now_ms: now(),
        due_ms: now() + 5_000,
        retry: None,
    };
    assert!(matches!(
        orders.place(&placement).await.unwrap(),
        Placed::Created(_)
    ));
    if !damage.is_empty() {
        let mut command = Command::new(damage[0]).arg(keys.order(id.as_str()));
        for part in &damage[1..] {
            command = command.arg(*part);
        }
        client.send(&command).await.unwrap();
    }
    assert_eq!(
        orders.complete(std::slice::from_ref(&id), now()).await.unwrap(),
        1
    );
    id
}

/// Adds a dead letter for `order_id` by hand, as the consumer writes one.
async fn dead_letter_by_hand(shop: &Shop, order_id: &str) {
    let fields = [(event::ORDER_ID, order_id)];
    test_support::dead_letter(
        &redis(shop),
        &keys(),
        Stream::OrderCompleted,
        dead_letter::MALFORMED,
        &fields,
    )
    .await;
}

#[tokio::test]
async fn sales_restocks_and_a_patch_keep_the_books_and_an_operator_repairs_what_breaks() {
    let shop = shop();
    let consumer = shop.consumer.url();
    let (a, b) = (create(&shop, 50).await, create(&shop, 100).await);

    // Concurrently: 100 restocks of one unit and 40 sales of A, a restock, sales and a
    // conditional PATCH (a count, on the tag it read) of B.
    let tag_b = product(&shop, &b).await["etag"].as_str().unwrap().to_owned();
    let restocks = join_all((0..100).map(|_| adjust(&shop, &a, 1)));
    let sales = join_all((0..40).map(|_| sell(&shop, &a)));
    let others = join_all((0..10).map(|_| sell(&shop, &b)));
    let count = admin("PATCH", format!("{}/products/{b}", shop.inventory.url()))
        .header("If-Match", &tag_b)
        .json(&json!({"quantity": 150}))
        .send();
    let (restocked, sold, others, counted, restocked_b) =
        tokio::join!(restocks, sales, others, count, adjust(&shop, &b, 5));
    assert!(restocked.iter().all(|r| r.status == 200), "every restock applied");
    assert!(
        sold.iter().chain(&others).all(|o| o.status == 201),
        "every sale placed"
    );
    assert_eq!(restocked_b.status, 200);
    // The count went through only if nothing changed B between its read and its write.
    assert!([200, 412].contains(&counted.status), "{}", counted.raw);
    idle(&shop).await;
    let a_now = product(&shop, &a).await;
    assert_eq!(a_now["quantity"], 50 + 100 - 40, "nothing lost: {a_now}");
    let ledger = admin(
        "GET",
        format!("{}/products/{a}/ledger?limit=500", shop.inventory.url()),
    )
    .send()
    .await;
    let changes: i64 = ledger
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["change"].as_i64().unwrap())
        .sum();
    assert_eq!(changes, 110, "the ledger adds up to on hand");
    let ok = audit(&shop).await;
    assert_eq!((ok["ok"].clone(), problems(&ok)), (json!(true), vec![]), "{ok}");
    assert_eq!(ok["checked"]["products"], 2);
    assert_eq!(ok["checked"]["orders"], 50);

    // Corrupt `reserved` by hand: the audit names the product; the repair fixes it once.
    let reserved = Command::new("HSET").arg(keys().reserved()).arg(&a).arg("7");
    redis(&shop).send(&reserved).await.unwrap();
    let broken = audit(&shop).await;
    assert_eq!(broken["ok"], false);
    assert_eq!(problems(&broken), [("reserved_mismatch".to_owned(), a.clone())]);
    assert_eq!(
        (
            broken["problems"][0]["expected"].clone(),
            broken["problems"][0]["found"].clone()
        ),
        (json!(0), json!(7))
    );
    let repair = admin("POST", format!("{consumer}/audit/repair"))
        .header("X-Request-Id", "repair-17")
        .send()
        .await;
    assert_eq!(repair.status, 200, "{}", repair.raw);
    assert_eq!(
        repair.body["changed"],
        json!([{"product_id": a, "before": 7, "after": 0}])
    );
    let again = admin("POST", format!("{consumer}/audit/repair")).send().await;
    assert_eq!(again.body["changed"], json!([]), "idempotent");
    assert_eq!(audit(&shop).await["ok"], true);

    // A poison event: an order whose line lost its quantity. Dead-lettered after 5 deliveries.
    let line = order::line_field(1, order::LINE_QUANTITY);
    let poisoned = paid_behind_the_back(&shop, &b, 3, &["HDEL", &line]).await;
    for _ in 0..5 {
        shop.run_consumer().await;
    }
    let dead = admin("GET", format!("{consumer}/dead-letters/order_completed"))
        .send()
        .await;
    assert_eq!(dead.status, 200, "{}", dead.raw);
    let letters = dead.body.as_array().unwrap();
    assert_eq!(letters.len(), 1, "{}", dead.raw);
    assert_eq!(
        (letters[0]["reason"].as_str(), letters[0]["deliveries"].as_u64()),
        (Some("damaged_order"), Some(5))
    );
    assert_eq!(letters[0]["fields"]["pk"], poisoned.to_string());
    assert!(letters[0]["died_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        stats(&shop).await["streams"]["order_completed"]["dead_letters"],
        1
    );
    let b_before = product(&shop, &b).await["quantity"].as_u64().unwrap();
    // Its units are still reserved, and the damaged order no longer says for which line: the
    // audit names the product.
    let holding = audit(&shop).await;
    assert_eq!(
        problems(&holding),
        [("reserved_mismatch".to_owned(), b.clone())],
        "{holding}"
    );

    // Fixed, replayed, applied once.
    let fix = Command::new("HSET")
        .arg(keys().order(poisoned.as_str()))
        .arg(&line)
        .arg("3");
    redis(&shop).send(&fix).await.unwrap();
    let letter = letters[0]["id"].as_str().unwrap();
    let replay = admin(
        "POST",
        format!("{consumer}/dead-letters/order_completed/{letter}/replay"),
    )
    .header("X-Request-Id", "replay-17")
    .send()
    .await;
    assert_eq!(replay.status, 200, "{}", replay.raw);
    assert_eq!(
        (
            replay.body["replayed"][0]["dead_letter_id"].as_str(),
            replay.body["remaining"].as_u64()
        ),
        (Some(letter), Some(0))
    );
    assert_eq!(replay.body["consumer_run"]["applied"], 1, "{}", replay.raw);
    assert_eq!(product(&shop, &b).await["quantity"].as_u64(), Some(b_before - 3));
    let twice = admin(
        "POST",
        format!("{consumer}/dead-letters/order_completed/{letter}/replay"),
    )
    .send()
    .await;
    twice.assert_error(404, "not_found");
    assert_eq!(audit(&shop).await["ok"], true);

    // A replay of an event whose effect already happened changes nothing.
    dead_letter_by_hand(&shop, poisoned.as_str()).await;
    let duplicate = admin("POST", format!("{consumer}/dead-letters/order_completed/replay"))
        .send()
        .await;
    assert_eq!(duplicate.status, 200, "{}", duplicate.raw);
    assert_eq!(
        duplicate.body["consumer_run"]["duplicates"], 1,
        "{}",
        duplicate.raw
    );
    assert_eq!(
        product(&shop, &b).await["quantity"].as_u64(),
        Some(b_before - 3),
        "taken once"
    );

    // Discards: one, then all.
    for _ in 0..2 {
        dead_letter_by_hand(&shop, "").await;
    }
    let listed = admin("GET", format!("{consumer}/dead-letters/order_completed?limit=1"))
        .send()
        .await;
    let next = listed.next_page().expect("a second page");
    assert!(next.contains("cursor=dead_order_completed."), "{next}");
    let one = listed.body[0]["id"].as_str().unwrap().to_owned();
    let discarded = admin("DELETE", format!("{consumer}/dead-letters/order_completed/{one}"))
        .send()
        .await;
    assert_eq!(discarded.status, 204);
    let gone = admin("DELETE", format!("{consumer}/dead-letters/order_completed/{one}"))
        .send()
        .await;
    assert_eq!(gone.status, 404);
    let all = admin("DELETE", format!("{consumer}/dead-letters/order_completed"))
        .send()
        .await;
    assert_eq!((all.status, all.body["discarded"].as_u64()), (200, Some(1)));
    assert_eq!(
        stats(&shop).await["streams"]["order_completed"]["dead_letters"],
        0,
        "/stats keeps counting"
    );
    let unknown = admin("GET", format!("{consumer}/dead-letters/orders"))
        .send()
        .await;
    assert_eq!(unknown.status, 404);
    let final_audit = audit(&shop).await;
    assert_eq!(final_audit["ok"], true, "{final_audit}");
    let a_id = Id::parse(&a).unwrap();
    let books = test_support::books(&redis(&shop), &keys(), &[(&a_id, 150)], now(), 60_000).await;
    assert!(books.is_empty(), "{books:?}");

    // Each action is logged with its request id.
    let lines = log_lines(&shop.consumer);
    let logged = |event: &str, id: &str| lines.iter().any(|l| l["event"] == event && l["request_id"] == id);
    assert!(logged("audit_repair", "repair-17"), "the repair's line");
    assert!(logged("dead_letters_replayed", "replay-17"), "the replay's line");
    let repair_line = lines
        .iter()
        .find(|l| l["event"] == "audit_repair" && l["request_id"] == "repair-17")
        .unwrap();
    assert_eq!(
        repair_line["changed"][0]["before"], 7,
        "what it changed is in the log: {repair_line}"
    );
}

#[tokio::test]
async fn operator_routes_need_the_token_and_cost_their_round_trips() {
    let shop = shop();
    let consumer = shop.consumer.url();
    for _ in 0..3 {
        create(&shop, 10).await;
    }
    let a = create(&shop, 10).await;
    for _ in 0..2 {
        assert_eq!(sell(&shop, &a).await.status, 201);
    }
    idle(&shop).await;
    for (method, path) in [
        ("GET", "/audit"),
        ("POST", "/audit/repair"),
        ("GET", "/dead-letters/order_completed"),
        ("POST", "/dead-letters/order_completed/replay"),
        ("POST", "/dead-letters/order_completed/1-0/replay"),
        ("DELETE", "/dead-letters/order_completed"),
        ("DELETE", "/dead-letters/order_completed/1-0"),
    ] {
        let anonymous = request(method, format!("{consumer}{path}")).send().await;
        anonymous.assert_error_for(401, "unauthorized", format_args!("{method} {path}"));
    }

    // The replay action's path is no dead letter's: it has POST alone.
    let not_a_letter = admin(
        "DELETE",
        format!("{consumer}/dead-letters/order_completed/replay"),
    )
    .send()
    .await;
    assert_eq!(
        (not_a_letter.status, not_a_letter.allow.as_deref()),
        (405, Some("POST")),
        "{}",
        not_a_letter.raw
    );

    let trips = |req: dev_stack::http::Request| async {
        let (answer, spent) = shop.stack.gateway.measure(req.send()).await;
        (answer.status, spent.requests)
    };
    // The reservations' snapshot, a page of products, a page of orders.
    assert_eq!(trips(admin("GET", format!("{consumer}/audit"))).await, (200, 3));
    assert_eq!(
        trips(admin("POST", format!("{consumer}/audit/repair"))).await,
        (200, 1)
    );
    assert_eq!(
        trips(admin("GET", format!("{consumer}/dead-letters/refund_order"))).await,
        (200, 1)
    );
    assert_eq!(
        trips(admin("DELETE", format!("{consumer}/dead-letters/refund_order"))).await,
        (200, 1)
    );
    assert_eq!(
        trips(admin("GET", format!("{consumer}/audit?cursor=nope"))).await,
        (422, 0),
        "a cursor that is no audit's costs nothing"
    );
    // A replay of nothing: its script alone (with something replayed, the consumer run it starts
    // follows: one round trip a batch).
    assert_eq!(
        trips(admin(
            "POST",
            format!("{consumer}/dead-letters/refund_order/replay")
        ))
        .await,
        (200, 1)
    );
}
