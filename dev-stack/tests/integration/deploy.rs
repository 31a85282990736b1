//! `make deploy`'s dry run from this checkout, its bundles run on bare workerd with the deploy's
//! own config (its plan: vars, `--var` overrides, bindings, the secrets it sets): deployed without
//! `ADMIN_TOKEN`, the workers refuse every admin operation of the three workers (503
//! `admin_not_configured`) while reads and orders work; deployed with it, they accept it and
//! only it; the open mode only when asked for (`ADMIN_AUTH=open`). On the same runtime: an invalid
//! setting is a 500 naming it, and a panic is answered and recovered from.

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use dev_stack::checks::{a_panic_is_answered_and_the_worker_recovers, log_lines_with};
use dev_stack::http::{request, Answer};
use dev_stack::{deploy_dry_run, random_token, Admin, ShopVars, Stack, WorkerdShop};
use serde_json::{json, Value};

/// One dry run at a time: each one bundles the three workers.
static DEPLOYING: Mutex<()> = Mutex::new(());

/// The stack every test here shares (workerd shops on its gateway).
fn stack() -> &'static Stack {
    static STACK: OnceLock<Stack> = OnceLock::new();
    STACK.get_or_init(|| Stack::start().expect("redis-server and the gateway start"))
}

/// A dry run of the deploy into a folder of its own, with `env` as the user's environment:
/// (the folder, the secrets given, what it printed).
fn deployed(admin_token: Option<&str>) -> (tempfile::TempDir, Vec<(&'static str, String)>, String) {
    let _one = DEPLOYING.lock().unwrap_or_else(|e| e.into_inner());
    let out = tempfile::tempdir().unwrap();
    let mut secrets: Vec<(&'static str, String)> = stack().secrets().to_vec();
    if let Some(token) = admin_token {
        secrets.push(("ADMIN_TOKEN", token.to_owned()));
    }
    let env: Vec<(&str, &str)> = secrets.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let printed = deploy_dry_run(out.path(), &env, false).expect("the dry run succeeds");
    (out, secrets, printed)
}

/// The deploy without an ADMIN_TOKEN, made once for the tests that need one: (its folder, the
/// secrets given).
fn closed_deploy() -> (&'static Path, &'static [(&'static str, String)]) {
    static DEPLOY: OnceLock<(tempfile::TempDir, Vec<(&'static str, String)>)> = OnceLock::new();
    let (out, secrets) = DEPLOY.get_or_init(|| {
        let (out, secrets, printed) = deployed(None);
        assert!(printed.contains("no ADMIN_TOKEN given"), "{printed}");
        (out, secrets)
    });
    (out.path(), secrets)
}

fn shop_of(out: &Path, secrets: &[(&'static str, String)], vars: ShopVars<'_>) -> WorkerdShop {
    let secrets: Vec<(&str, &str)> = secrets.iter().map(|(k, v)| (*k, v.as_str())).collect();
    WorkerdShop::from_plan(out, &secrets, vars).expect("workerd serves the deploy's bundles")
}

fn plan(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap()
}

/// The secrets the deploy sets on each worker, by `[env.X]`.
fn secrets_set(plan: &Value) -> Vec<(String, Vec<String>)> {
    let workers = plan["workers"].as_array().unwrap();
    let names = |w: &Value| {
        w["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    workers
        .iter()
        .map(|w| (w["env"].as_str().unwrap().to_owned(), names(w)))
        .collect()
}

/// A request with `Authorization: Bearer <token>` when `token` is given.
fn as_admin(method: &str, url: String, token: Option<&str>) -> dev_stack::http::Request {
    let req = request(method, url);
    match token {
        Some(token) => req.header("Authorization", &format!("Bearer {token}")),
        None => req,
    }
}

/// Every kind of admin operation of the three workers (the product changes, an adjustment, a
/// ledger, the list of all orders, the operator's audit), on `product`, sent with `token`.
async fn admin_operations(shop: &WorkerdShop, product: &str, token: Option<&str>) -> Vec<(String, Answer)> {
    let (inventory, payment) = (shop.url("inventory"), shop.url("payment"));
    let consumer = shop.url("consumer-cron");
    let new = json!({"name": "Guarded too", "price": 1, "quantity": 1});
    let patch = json!({"quantity": 99});
    vec![
        (
            "POST /products".into(),
            as_admin("POST", format!("{inventory}/products"), token)
                .json(&new)
                .send()
                .await,
        ),
        (
            "PATCH /products/{id}".into(),
            as_admin("PATCH", format!("{inventory}/products/{product}"), token)
                .json(&patch)
                .send()
                .await,
        ),
        (
            "POST /products/{id}/adjustments".into(),
            as_admin(
                "POST",
                format!("{inventory}/products/{product}/adjustments"),
                token,
            )
            .json(&json!({"delta": 1, "reason": "restock"}))
            .send()
            .await,
        ),
        (
            "GET /products/{id}/ledger".into(),
            as_admin("GET", format!("{inventory}/products/{product}/ledger"), token)
                .send()
                .await,
        ),
        (
            "DELETE /products/{id}".into(),
            as_admin("DELETE", format!("{inventory}/products/{product}"), token)
                .send()
                .await,
        ),
        (
            "GET /orders".into(),
            as_admin("GET", format!("{payment}/orders"), token).send().await,
        ),
        (
            "GET /audit".into(),
            as_admin("GET", format!("{consumer}/audit"), token).send().await,
        ),
    ]
}

/// Places an order of 2 of `product` and cancels it, as a customer does (no token: the order's id
/// is its credential); returns the order's id.
async fn order_and_cancel(shop: &WorkerdShop, product: &str) -> String {
    let placed = request("POST", format!("{}/orders", shop.url("payment")))
        .json(&json!({"id": product, "quantity": 2}))
        .send()
        .await;
    assert_eq!(
        placed.status, 201,
        "placing an order needs no token: {}",
        placed.raw
    );
    let order = placed.text("id");
    let cancelled = request("POST", format!("{}/orders/{order}/cancel", shop.url("payment")))
        .send()
        .await;
    assert_eq!(
        cancelled.status, 200,
        "cancelling by id needs no token: {}",
        cancelled.raw
    );
    order
}

#[tokio::test(flavor = "multi_thread")]
async fn deployed_without_admin_token_every_admin_operation_is_refused() {
    let (out, secrets) = closed_deploy();
    let set: Vec<(String, usize)> = secrets_set(&plan(out))
        .into_iter()
        .map(|(e, s)| (e, s.len()))
        .collect();
    let wanted = [("inventory", 2), ("consumer-cron", 2), ("payment", 2)].map(|(e, n)| (e.to_owned(), n));
    assert_eq!(set, wanted, "the Upstash pair only, in binding order");

    // The open mode exists where it is asked for: a shop of its own, which seeds the product.
    let slow = [("PAYMENT_DELAY_MS", "60000")];
    let open = shop_of(out, secrets, ShopVars::open().with_payment(&slow));
    let created = request("POST", format!("{}/products", open.url("inventory")))
        .json(&json!({"name": "Guarded", "price": 5, "quantity": 10}))
        .send()
        .await;
    assert_eq!(created.status, 201, "open when asked: {}", created.raw);
    let product = created.text("id");
    let listed = request("GET", format!("{}/orders", open.url("payment")))
        .send()
        .await;
    assert_eq!(listed.status, 200, "open when asked: {}", listed.raw);

    let closed = shop_of(out, secrets, ShopVars::guarded(Admin::Closed).with_payment(&slow));
    for token in [None, Some("a-guess"), Some("")] {
        for (what, answer) in admin_operations(&closed, &product, token).await {
            assert_eq!(
                (answer.status, answer.error_code()),
                (503, "admin_not_configured"),
                "{what} with {token:?}: {}",
                answer.raw
            );
        }
    }
    // Nothing changed, and what is public still works.
    let read = request("GET", format!("{}/products/{product}", closed.url("inventory")))
        .send()
        .await;
    assert_eq!(
        (read.status, read.body["quantity"].as_u64()),
        (200, Some(10)),
        "{}",
        read.raw
    );
    let order = order_and_cancel(&closed, &product).await;
    let mine = request("GET", format!("{}/orders/{order}", closed.url("payment")))
        .send()
        .await;
    assert_eq!(mine.body["status"], "cancelled", "{}", mine.raw);
    // The served contract says the token is needed; the log says why it was refused.
    let document = request("GET", format!("{}/openapi.json", closed.url("inventory")))
        .send()
        .await;
    assert_eq!(
        document.body["paths"]["/products"]["post"]["security"],
        json!([{"adminToken": []}])
    );
    let refused = log_lines_with(closed.log_path(), "admin_not_configured");
    let explained =
        |l: &Value| l["status"] == 503 && l["cause"].as_str().is_some_and(|c| c.contains("ADMIN_TOKEN"));
    assert!(refused.iter().any(explained), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn deployed_with_admin_token_both_workers_accept_it_and_only_it() {
    let token = random_token();
    let (out, secrets, printed) = deployed(Some(&token));
    assert!(!printed.contains(&token), "no secret in what the deploy prints");
    let plan_text = std::fs::read_to_string(out.path().join("plan.json")).unwrap();
    assert!(!plan_text.contains(&token), "no secret in the plan");
    let with_admin = |env: &str| {
        secrets_set(&plan(out.path()))
            .into_iter()
            .find(|(e, _)| e == env)
            .is_some_and(|(_, s)| s.iter().any(|n| n == "ADMIN_TOKEN"))
    };
    assert!(with_admin("inventory") && with_admin("payment") && with_admin("consumer-cron"));

    let shop = shop_of(out.path(), &secrets, ShopVars::guarded(Admin::Closed));
    let new = json!({"name": "Guarded", "price": 5, "quantity": 10});
    let inventory = shop.url("inventory");
    let created = as_admin("POST", format!("{inventory}/products"), Some(&token))
        .json(&new)
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.raw);
    let product = created.text("id");
    order_and_cancel(&shop, &product).await;
    for wrong in [None, Some("a-guess")] {
        for (what, answer) in admin_operations(&shop, &product, wrong).await {
            assert_eq!(
                (answer.status, answer.error_code()),
                (401, "unauthorized"),
                "{what} with {wrong:?}"
            );
        }
    }
    let answers = admin_operations(&shop, &product, Some(&token)).await;
    let statuses: Vec<(String, u16)> = answers.into_iter().map(|(what, a)| (what, a.status)).collect();
    let wanted = [
        ("POST /products", 201),
        ("PATCH /products/{id}", 200),
        ("POST /products/{id}/adjustments", 200),
        ("GET /products/{id}/ledger", 200),
        ("DELETE /products/{id}", 204),
        ("GET /orders", 200),
        ("GET /audit", 200),
    ];
    assert_eq!(statuses, wanted.map(|(w, s)| (w.to_owned(), s)));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_setting_is_a_500_that_names_it() {
    let (out, secrets) = closed_deploy();
    let shop = shop_of(
        out,
        secrets,
        ShopVars::open().with_payment(&[("FEE_RATE", "a lot")]),
    );
    let id = format!("bad-setting-{}", random_token());
    let answer = request("GET", format!("{}/config", shop.url("payment")))
        .header("X-Request-Id", &id)
        .expecting_500()
        .send()
        .await;
    assert_eq!(answer.error_code(), "internal_error");
    assert!(!answer.raw.contains("FEE_RATE"), "the client gets no detail");
    let health = request("GET", format!("{}/health", shop.url("inventory")))
        .send()
        .await;
    assert_eq!(health.status, 200, "the other workers run");
    let lines = log_lines_with(shop.log_path(), &id);
    assert!(
        lines.iter().any(|l| l["cause"]
            .as_str()
            .is_some_and(|c| c.starts_with("invalid setting FEE_RATE=\"a lot\""))),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_on_workerd_is_a_json_500_and_the_worker_recovers() {
    let (out, secrets) = closed_deploy();
    let faults = [("FAULTS", "panic")];
    let shop = shop_of(out, secrets, ShopVars::open().with_inventory(&faults));
    a_panic_is_answered_and_the_worker_recovers(&shop.url("inventory"), shop.log_path()).await;
}
