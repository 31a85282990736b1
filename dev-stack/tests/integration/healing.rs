//! `make dev` heals: each service killed in turn (by the process id the runner records) comes
//! back on its own while orders keep coming, and no accepted order is lost or counted twice. A
//! service that cannot come back stops `make dev` with an error. A worker whose port hangs while
//! its process lives (its workerd killed: wrangler restarts the runtime, the port never answers)
//! is restarted and announced like one that died.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{kill, listener_pid, DevStack};
use dev_stack::http::{eventually, request};
use serde_json::{json, Value};

const INITIAL_STOCK: u64 = 1_000_000;

/// Shorter test-only delays than the defaults (a minute before a dead reader's events are
/// reclaimed; a payment swept 30 s after its delay): the same healing, without waiting for them.
const QUICK_RECOVERY: (&str, &str) = ("WORKER_VARS", "RECLAIM_IDLE_MS=5000,PAYMENT_GRACE_MS=5000");

/// In the order they are killed. The consumer first: events it held when it died wait
/// `RECLAIM_IDLE_MS` before another run takes them, time the other kills give them.
const SERVICES: [&str; 5] = [
    "consumer-cron",
    "redis-server",
    "upstash-local",
    "payment-worker",
    "inventory-worker",
];

/// One `POST /orders` of the trickle: what the client saw.
struct Placed {
    at: Instant,
    /// `None`: no answer (the worker was down).
    status: Option<u16>,
    body: Value,
}

/// Status of a GET, or `None` when nothing answers (a service being restarted).
async fn status_of(client: &reqwest::Client, url: &str) -> Option<u16> {
    client.get(url).send().await.ok().map(|r| r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_services_come_back_and_every_accepted_order_is_settled_once() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let mut stack = DevStack::start(dir.path(), &[QUICK_RECOVERY]);
    let (inventory, payment) = (stack.url("INVENTORY_PORT"), stack.url("PAYMENT_PORT"));
    let consumer = stack.url("CONSUMER_CRON_PORT");
    let answer = request("POST", format!("{inventory}/products"))
        .json(&json!({"name": "Widget", "price": 1, "quantity": INITIAL_STOCK}))
        .send()
        .await;
    assert_eq!(answer.status, 201, "{}", answer.raw);
    let product = answer.text("id");

    // A trickle of orders, answered or not, for as long as the services are being killed.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let placed: Arc<Mutex<Vec<Placed>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let trickle = tokio::spawn({
        let (client, placed, stop) = (client.clone(), Arc::clone(&placed), Arc::clone(&stop));
        let (url, product) = (format!("{payment}/orders"), product.clone());
        async move {
            // One order every 400 ms, each on its own: one that hangs does not hold the others.
            let mut orders = Vec::new();
            for n in 0u64.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let (client, placed, url) = (client.clone(), Arc::clone(&placed), url.clone());
                let body = json!({"id": product, "quantity": 1 + n % 3});
                orders.push(tokio::spawn(async move {
                    let sent = client
                        .post(&url)
                        .header("Content-Type", "application/json")
                        .body(body.to_string())
                        .send()
                        .await;
                    let (status, body) = match sent {
                        Ok(res) => {
                            let status = res.status().as_u16();
                            let text = res.text().await.unwrap_or_default();
                            (Some(status), serde_json::from_str(&text).unwrap_or(Value::Null))
                        }
                        Err(_) => (None, Value::Null),
                    };
                    let at = Instant::now();
                    placed.lock().unwrap().push(Placed { at, status, body });
                }));
                tokio::time::sleep(Duration::from_millis(400)).await;
            }
            for order in orders {
                order.await.unwrap();
            }
        }
    });

    let all_healthy = || async {
        for base in [&inventory, &payment, &consumer] {
            if status_of(&client, &format!("{base}/health")).await != Some(200) {
                return None;
            }
        }
        Some(())
    };
    let mut back_at = Instant::now();
    for service in SERVICES {
        let old = stack.pid(service);
        kill(old, libc::SIGKILL);
        stack.wait_for_output(&format!("{service} stopped unexpectedly"));
        stack.wait_for_output(&format!("{service} ready again"));
        assert_ne!(stack.pid(service), old, "{service}: a new process, recorded");
        let what = format!("every worker healthy after {service} came back");
        eventually(&what, all_healthy).await;
        back_at = Instant::now();
    }
    eventually("an order accepted after the last restart", || async {
        let placed = placed.lock().unwrap();
        placed
            .iter()
            .any(|p| p.at > back_at && p.status == Some(201))
            .then_some(())
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    trickle.await.unwrap();

    let placed = std::mem::take(&mut *placed.lock().unwrap());
    let statuses: Vec<Option<u16>> = placed.iter().map(|p| p.status).collect();
    if statuses.contains(&Some(500)) {
        // The cause is in the payment worker's log line (its folder goes with the test).
        let log = std::fs::read_to_string(dir.path().join("logs/payment.log")).unwrap_or_default();
        let causes: Vec<&str> = log.lines().filter(|l| l.contains("\"status\":500")).collect();
        panic!("never a 500: {statuses:?}\n{}", causes.join("\n"));
    }
    let accepted: Vec<&Value> = placed
        .iter()
        .filter(|p| p.status == Some(201))
        .map(|p| &p.body)
        .collect();
    assert!(accepted.len() >= 10, "orders were accepted: {statuses:?}");
    let unanswered = statuses.iter().filter(|s| s.is_none()).count();
    let refused = statuses.len() - accepted.len() - unanswered;
    eprintln!(
        "{} orders placed: {} accepted, {refused} refused, {unanswered} unanswered",
        statuses.len(),
        accepted.len()
    );

    // Every order ends completed or refunded (orders whose payment died with a worker or Redis
    // are completed by the consumer's sweep, PAYMENT_DELAY_MS + PAYMENT_GRACE_MS after they were
    // placed), and the stock follows the completed ones exactly: no order lost, none counted twice.
    let settled = eventually("every order settled and the stock in step", || async {
        let list = request("GET", format!("{payment}/orders?limit=500")).send().await;
        let stock = request("GET", format!("{inventory}/products/{product}"))
            .send()
            .await;
        if list.status != 200 || stock.status != 200 {
            return None;
        }
        let orders: Vec<Value> = list.body.as_array()?.clone();
        let settled = orders
            .iter()
            .all(|o| o["status"] == "completed" || o["status"] == "refunded");
        let taken: u64 = orders
            .iter()
            .filter(|o| o["status"] == "completed")
            .map(|o| o["quantity"].as_u64().unwrap())
            .sum();
        (settled && stock.body["quantity"].as_u64() == Some(INITIAL_STOCK - taken)).then_some(orders)
    })
    .await;
    assert!(settled.len() < 500, "the list holds every order");
    for answer in accepted {
        let order = settled
            .iter()
            .find(|o| o["id"] == answer["id"])
            .unwrap_or_else(|| panic!("accepted order {answer} is kept"));
        assert_eq!(order["quantity"], answer["quantity"], "{order}");
        assert_eq!(order["product_id"], product.as_str(), "{order}");
    }

    // Each worker's log tells both starts apart, the first one kept.
    for env in ["inventory", "payment", "consumer-cron"] {
        let log = std::fs::read_to_string(dir.path().join(format!("logs/{env}.log"))).unwrap();
        assert_eq!(
            log.matches(&format!("starting the {env} worker")).count(),
            2,
            "{log}"
        );
    }

    // A service that cannot come back (a corrupt append-only file) stops `make dev` loudly,
    // and with it everything it started.
    let aof = dir.path().join("redis/appendonlydir");
    for entry in std::fs::read_dir(&aof).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".incr.aof") {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
            file.write_all(b"not a redis command\r\n").unwrap();
        }
    }
    kill(stack.pid("redis-server"), libc::SIGKILL);
    let status = stack.wait_exit();
    let output = stack.output();
    assert!(!status.success(), "{status}: {output}");
    assert!(output.contains("redis-server failed 5 times"), "{output}");
    assert!(output.contains("giving up"), "{output}");
    stack.assert_ports_freed();
    eprintln!("healing test took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_whose_port_hangs_is_restarted_and_orders_work_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut stack = DevStack::start(dir.path(), &[]);
    let (inventory, payment) = (stack.url("INVENTORY_PORT"), stack.url("PAYMENT_PORT"));
    let answer = request("POST", format!("{inventory}/products"))
        .json(&json!({"name": "Widget", "price": 1, "quantity": 100}))
        .send()
        .await;
    assert_eq!(answer.status, 201, "{}", answer.raw);
    let product = answer.text("id");

    // The workerd that `ss -ltnp` shows on the payment worker's port, killed as a user would:
    // wrangler's node (the pid the runner records) lives on.
    let port = stack.port("PAYMENT_PORT");
    let workerd = listener_pid(port).expect("a process listens on the payment port");
    assert_ne!(workerd, stack.pid("payment-worker"), "workerd, not wrangler");
    kill(workerd, libc::SIGKILL);
    stack.wait_for_output("payment-worker stopped answering");
    stack.wait_for_output("payment-worker ready again");

    let order = request("POST", format!("{payment}/orders"))
        .json(&json!({"id": product, "quantity": 2}))
        .send()
        .await;
    assert_eq!(order.status, 201, "{}", order.raw);
    let id = order.text("id");
    eventually("the order to complete", || async {
        let answer = request("GET", format!("{payment}/orders/{id}")).send().await;
        (answer.body["status"] == "completed").then_some(())
    })
    .await;
    assert_eq!(
        stack.output().matches("stopped answering").count(),
        1,
        "only the hung one: {}",
        stack.output()
    );
}
