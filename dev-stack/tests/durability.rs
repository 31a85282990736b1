//! `make dev` keeps its data in an append-only file.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use dev_stack::free_port;
use dev_stack::RedisServer;

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
