//! `dev-stack up`, the one launcher of every harness, bench and fuzz run outside Rust: it prints one
//! JSON line with what a caller needs, obeys `stop`/`start redis-server` on stdin, applies the
//! workers' settings it is given (vars, an admin token from its environment, the CORS origin of
//! the caller's site), and leaves nothing behind when its stdin closes or it gets SIGTERM; the
//! workers on bare workerd as deployed, behind a gateway that delays every round trip.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::port_is_free;
use dev_stack::http::{request, CEILING};
use serde_json::{json, Value};

/// A running `dev-stack up`; killed if a test fails before it stops it.
struct Up {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    ready: Value,
}

impl Up {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dev-stack"))
            .arg("up")
            .args(args)
            .env_remove("ADMIN_TOKEN")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("dev-stack runs");
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let ready = read_json(&mut stdout);
        Self {
            child,
            stdin,
            stdout,
            ready,
        }
    }

    fn port(&self, service: &str) -> u16 {
        let port = &self.ready["services"][service]["port"];
        port.as_u64()
            .unwrap_or_else(|| panic!("no port for {service}: {}", self.ready)) as u16
    }

    fn url(&self, service: &str) -> String {
        self.ready["services"][service]["url"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn ports(&self) -> Vec<u16> {
        let services = self.ready["services"].as_object().unwrap();
        services.keys().map(|s| self.port(s)).collect()
    }

    fn command(&mut self, line: &str) -> Value {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        read_json(&mut self.stdout)
    }

    fn wait_exit(&mut self) -> std::process::ExitStatus {
        let limit = CEILING;
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after {limit:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Up {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_json(stdout: &mut impl BufRead) -> Value {
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"))
}

fn assert_freed(ports: &[u16]) {
    let deadline = Instant::now() + CEILING;
    for &port in ports {
        while !port_is_free(port) {
            assert!(Instant::now() < deadline, "port {port} still bound: an orphan");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One command through the gateway with the stack's token.
async fn through_gateway(up: &Up, command: &[&str]) -> dev_stack::http::Answer {
    let token = up.ready["token"].as_str().unwrap();
    request("POST", format!("{}/", up.url("upstash-local")))
        .header("Authorization", &format!("Bearer {token}"))
        .json(&json!(command))
        .send()
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gateway_profile_answers_commands_and_stops_when_stdin_closes() {
    let mut up = Up::start(&["--profile", "gateway"], &[]);
    assert_eq!(up.ready["profile"], "gateway");
    let redis_port = up.port("redis-server");
    assert_eq!(
        through_gateway(&up, &["SET", "k", "v"]).await.body["result"],
        "OK"
    );

    assert_eq!(
        up.command("stop redis-server"),
        json!({"stopped": "redis-server"})
    );
    assert!(port_is_free(redis_port), "redis-server is down");
    assert_eq!(through_gateway(&up, &["GET", "k"]).await.status, 502);
    let started = up.command("start redis-server");
    assert_eq!(started["started"], "redis-server", "{started}");
    assert!(!port_is_free(redis_port), "back on the same port");
    assert_eq!(
        through_gateway(&up, &["SET", "k", "again"]).await.body["result"],
        "OK"
    );
    assert!(up.command("restart everything")["error"].is_string());

    let ports = up.ports();
    drop(up.stdin.take());
    assert!(up.wait_exit().success());
    assert_freed(&ports);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shop_profile_applies_its_settings_and_stops_on_sigterm() {
    let admin = dev_stack::random_token();
    let mut up = Up::start(
        &[
            "--profile",
            "shop",
            "--var",
            "FEE_RATE=0.25",
            "--admin-token-from-env",
            "--site-port",
            "--spare-ports",
            "2",
            "--consumer-every",
            "0",
        ],
        &[("ADMIN_TOKEN", &admin)],
    );
    let (inventory, payment) = (up.url("inventory-worker"), up.url("payment-worker"));
    for service in ["redis-server", "upstash-local", "consumer-cron"] {
        assert!(up.port(service) > 0, "{service}: {}", up.ready);
    }
    let config = request("GET", format!("{payment}/config")).send().await;
    assert_eq!(config.body["fee_rate_basis_points"], 2500, "{}", config.raw);

    crate::common::assert_admin_token_guards_changes(&inventory, &admin).await;

    // The caller's site may call the APIs.
    let site = format!("http://localhost:{}", up.ready["site_port"]);
    let answer = request("GET", format!("{inventory}/products"))
        .header("Origin", &site)
        .send()
        .await;
    assert_eq!(
        answer.allow_origin.as_deref(),
        Some(site.as_str()),
        "{:?}",
        answer.headers
    );
    let spare = up.ready["spare_ports"].as_array().unwrap();
    assert_eq!(spare.len(), 2, "{}", up.ready);

    let ports = up.ports();
    // SAFETY: kill(2) on the child we started and still own.
    unsafe { libc::kill(up.child.id() as i32, libc::SIGTERM) };
    assert!(up.wait_exit().success());
    assert_freed(&ports);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_workerd_profile_serves_the_shop_as_deployed_behind_a_distant_gateway() {
    const DELAY: Duration = Duration::from_millis(300);
    let mut up = Up::start(
        &[
            "--profile",
            "workerd",
            "--var",
            "FEE_RATE=0.25",
            "--round-trip-delay-ms",
            "300",
        ],
        &[],
    );
    assert_eq!(up.ready["profile"], "workerd");
    let (inventory, payment) = (up.url("inventory-worker"), up.url("payment-worker"));
    assert!(up.port("consumer-cron") > 0, "{}", up.ready);
    let config = request("GET", format!("{payment}/config")).send().await;
    assert_eq!(config.body["fee_rate_basis_points"], 2500, "{}", config.raw);

    // A local shop: the admin routes open without a token, as `make dev` runs it.
    let created = request("POST", format!("{inventory}/products"))
        .json(&json!({"name": "Widget", "price": 20, "quantity": 100}))
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.raw);
    // One round trip to the gateway: at least the delay (a lower bound, which no load breaks).
    let started = Instant::now();
    let order = request("POST", format!("{payment}/orders"))
        .json(&json!({"id": created.text("id"), "quantity": 3}))
        .send()
        .await;
    assert!(started.elapsed() >= DELAY, "{:?}", started.elapsed());
    assert_eq!(order.status, 201, "{}", order.raw);
    assert_eq!(order.body["fee"], 5, "{}", order.raw);

    let ports = up.ports();
    drop(up.stdin.take());
    assert!(up.wait_exit().success());
    assert_freed(&ports);
}

/// What `dev-stack up <args>` says on stderr when it refuses to start: it exits non-zero at once,
/// before any ready line.
fn refusal(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_dev-stack"))
        .arg("up")
        .args(args)
        .env_remove("ADMIN_TOKEN")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no ready line");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_profile_that_cannot_start_says_why_at_once() {
    let stderr = refusal(&["--profile", "shop", "--admin-token-from-env"]);
    assert!(stderr.contains("ADMIN_TOKEN is not set"), "{stderr}");
}

#[test]
fn bare_workerd_has_no_cron_to_run() {
    let stderr = refusal(&["--profile", "workerd", "--consumer-every", "5"]);
    assert!(stderr.contains("bare workerd cannot fire a cron"), "{stderr}");
}
