//! `make dev`'s runner as a user meets it: one line per ready service (the last one saying that
//! without an ADMIN_TOKEN the admin routes are open), a busy port as a clear error, and Ctrl-C
//! stopping everything it started; and a harness waiting for it learns at once that it exited,
//! with why.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::common::{port_is_free, runner, DevStack};

#[test]
fn a_busy_port_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = runner(dir.path(), &[("REDIS_PORT", port)]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("port {port}")) && stderr.contains("busy"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_stops_every_service_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let mut stack = DevStack::start(dir.path(), &[]);
    let output = stack.output();
    let services: Vec<&str> = output
        .lines()
        .take_while(|l| !l.starts_with("all services ready"))
        .filter_map(|l| l.split_once(" ready on ").map(|(service, _)| service))
        .collect();
    assert_eq!(
        services,
        [
            "redis-server",
            "upstash-local",
            "inventory-worker",
            "payment-worker",
            "consumer-cron"
        ],
        "{output}"
    );
    assert!(
        output.contains("all services ready; admin routes open (no ADMIN_TOKEN); Ctrl-C stops everything."),
        "{output}"
    );
    // A token made here is kept in the folder, and the ready line says so.
    let kept = format!("(token in {})", dir.path().join("token").display());
    assert!(output.contains(&kept), "{output}");
    assert!(dir.path().join("token").exists());
    for (name, port) in &stack.ports[..5] {
        assert!(!port_is_free(*port), "{name} is served");
    }

    let status = stack.stop();
    assert!(status.success(), "stops cleanly: {status}");
    stack.assert_ports_freed();
}

#[test]
fn ctrl_c_while_a_worker_starts_stops_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut stack = DevStack::launch(dir.path(), &[]);
    stack.wait_for_output("upstash-local ready");
    // The workers are starting now (seconds each): Ctrl-C does not wait for them.
    let asked = Instant::now();
    let status = stack.stop();
    assert!(status.success(), "stops cleanly: {status}; {}", stack.output());
    assert!(
        asked.elapsed() < Duration::from_secs(15),
        "took {:?}",
        asked.elapsed()
    );
    assert!(
        !stack.output().contains("all services ready"),
        "{}",
        stack.output()
    );
    stack.assert_ports_freed();
}

#[test]
fn a_runner_that_exits_while_starting_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    // Read after redis-server and the gateway are up: the runner stops them and exits.
    let mut stack = DevStack::launch(dir.path(), &[("RATE_LIMIT", "lots")]);
    let asked = Instant::now();
    let why = stack
        .try_wait_for_output("all services ready", 1, Duration::from_secs(300))
        .unwrap_err();
    assert!(
        asked.elapsed() < Duration::from_secs(30),
        "took {:?}",
        asked.elapsed()
    );
    assert!(why.contains("the runner exited"), "{why}");
    assert!(why.contains("RATE_LIMIT=lots is not a whole number"), "{why}");
    stack.assert_ports_freed();
}
