//! `make dev`'s runner as a user meets it: one line per ready service, a busy port as a clear
//! error, and Ctrl-C stopping everything it started.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dev_stack::free_port;

fn runner(dev_dir: &std::path::Path, ports: &[(&str, u16)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dev-stack"));
    cmd.env("DEV_DIR", dev_dir)
        .env("SERVE_FRONTEND", "0")
        .env("CONSUMER_EVERY_SECONDS", "1");
    for (name, port) in ports {
        cmd.env(name, port.to_string());
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

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
    let names = [
        "REDIS_PORT",
        "UPSTASH_LOCAL_PORT",
        "INVENTORY_PORT",
        "PAYMENT_PORT",
        "CONSUMER_CRON_PORT",
        "FRONTEND_PORT",
    ];
    let ports: Vec<(&str, u16)> = names.iter().map(|&n| (n, free_port())).collect();
    let mut child = runner(dir.path(), &ports).spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut ready = Vec::new();
    for line in stdout.lines() {
        let line = line.unwrap();
        if line.starts_with("all services ready") {
            break;
        }
        ready.push(line);
    }
    let services: Vec<&str> = ready
        .iter()
        .filter_map(|l| l.split(" ready on ").next())
        .collect();
    assert_eq!(
        services,
        [
            "redis-server",
            "upstash-local",
            "inventory-worker",
            "payment-worker",
            "consumer-cron-worker"
        ],
        "{ready:?}"
    );
    for (name, port) in &ports[..5] {
        assert!(!port_is_free(*port), "{name} is served");
    }

    // SAFETY: signalling the child we spawned.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert!(status.success(), "stops cleanly: {status}");
    let deadline = Instant::now() + Duration::from_secs(10);
    for (name, port) in &ports {
        while !port_is_free(*port) {
            assert!(
                Instant::now() < deadline,
                "{name} ({port}) still bound after Ctrl-C: an orphan"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
