//! `make dev` keeps its data: every write a worker acknowledged is still there after
//! redis-server is killed outright, and after `make dev` is stopped and started again.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{kill, DevStack};
use dev_stack::free_port;
use dev_stack::http::{eventually, request};
use dev_stack::RedisServer;
use serde_json::{json, Value};

/// Every product, as `GET /products` lists them.
async fn products(inventory: &str) -> Option<Value> {
    let answer = request("GET", format!("{inventory}/products")).send().await;
    (answer.status == 200).then_some(answer.body)
}

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_writes_survive_a_killed_redis_server_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut stack = DevStack::start(dir.path(), &[]);
    let inventory = stack.url("INVENTORY_PORT");

    // Writes, each acknowledged by the worker: new products, a restock, a deletion.
    let mut ids = Vec::new();
    for i in 0..10 {
        let answer = request("POST", format!("{inventory}/products"))
            .json(&json!({"name": format!("Widget {i}"), "price": 20, "quantity": 100 + i}))
            .send()
            .await;
        assert_eq!(answer.status, 201, "{}", answer.raw);
        ids.push(answer.text("id"));
    }
    let answer = request("PATCH", format!("{inventory}/products/{}", ids[0]))
        .json(&json!({"quantity": 250}))
        .send()
        .await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    let answer = request("DELETE", format!("{inventory}/products/{}", ids[1]))
        .send()
        .await;
    assert_eq!(answer.status, 204, "{}", answer.raw);
    let before = products(&inventory).await.expect("the products");
    assert_eq!(before.as_array().unwrap().len(), 9, "{before}");
    assert_eq!(before[0]["quantity"], 250, "{before}");

    // At once, with no time for a snapshot: what a crash or the OOM killer does.
    kill(stack.pid("redis-server"), libc::SIGKILL);
    stack.wait_for_output("redis-server stopped unexpectedly");
    stack.wait_for_output("redis-server ready again");
    let after = eventually("the products again", || products(&inventory)).await;
    assert_eq!(after, before, "every acknowledged write is still there");

    // `make dev` stopped and started again on the same folder.
    assert!(stack.stop().success());
    drop(stack);
    let stack = DevStack::start(dir.path(), &[]);
    let inventory = stack.url("INVENTORY_PORT");
    let again = eventually("the products", || products(&inventory)).await;
    assert_eq!(again, before, "kept across runs");
}

fn redis_cli(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .arg("-p")
        .arg(port.to_string())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("redis-cli runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The data of a `make dev` from before the append-only file (snapshots only) is kept.
#[test]
fn data_snapshotted_before_the_append_only_file_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    // redis-server as `make dev` ran it before: a snapshot (dump.rdb) written on shutdown.
    let mut old = Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args(["--save", "60 1", "--appendonly", "no", "--dir"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let ready = || redis_cli(port, &["PING"]) == "PONG";
    while !ready() {
        assert!(old.try_wait().unwrap().is_none(), "redis-server exited");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(redis_cli(port, &["SET", "shop:kept", "yes"]), "OK");
    redis_cli(port, &["SHUTDOWN"]);
    old.wait().unwrap();
    assert!(dir.path().join("dump.rdb").exists());

    let value_after_start = |dir: &Path| {
        let server = RedisServer::start_at(free_port(), dir).unwrap();
        redis_cli(server.port(), &["GET", "shop:kept"])
    };
    assert_eq!(value_after_start(dir.path()), "yes", "loaded from the snapshot");
    assert!(dir.path().join("appendonlydir/appendonly.aof.manifest").exists());
    std::fs::remove_file(dir.path().join("dump.rdb")).unwrap();
    assert_eq!(
        value_after_start(dir.path()),
        "yes",
        "then from the append-only file"
    );
}
