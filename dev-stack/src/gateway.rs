use std::io;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::ports::retry_on_taken_port;
use crate::process::{
    ensure_port_free, http_get, spawn_owned, stop_child, wait_for_port, workspace_root, PortProcess,
};
use crate::{Probe, Service};

/// The `upstash-local` binary, run as users run it. `make test` builds it first; the path can be
/// overridden with `UPSTASH_LOCAL_BIN`.
pub struct Gateway {
    token: String,
    process: PortProcess,
}

impl Gateway {
    /// On a free port, quiet (tests).
    pub fn start(redis_url: &str, token: &str) -> io::Result<Self> {
        retry_on_taken_port(|port| Self::spawn(port, redis_url, token, None))
    }

    /// On a free port, every request delayed `delay_ms` (`--round-trip-delay-ms`): the distance to
    /// a hosted Upstash, for benchmarks.
    pub fn start_delayed(redis_url: &str, token: &str, delay_ms: u64) -> io::Result<Self> {
        retry_on_taken_port(|port| Self::spawn(port, redis_url, token, Some(delay_ms)))
    }

    /// On `port` (`make dev`). A busy port is an error.
    pub fn start_at(port: u16, redis_url: &str, token: &str) -> io::Result<Self> {
        ensure_port_free(port, "upstash-local")?;
        Self::spawn(port, redis_url, token, None)
    }

    fn spawn(port: u16, redis_url: &str, token: &str, delay_ms: Option<u64>) -> io::Result<Self> {
        // Any answer will do: without the token it is a 401.
        let process = PortProcess::start(port, "upstash-local", "/__stats", {
            let (redis_url, token) = (redis_url.to_owned(), token.to_owned());
            move |port| spawn_gateway(port, &redis_url, &token, delay_ms)
        })?;
        Ok(Self {
            token: token.to_owned(),
            process,
        })
    }

    /// Freezes it (SIGSTOP): it still accepts connections (the kernel does) and answers nothing, as
    /// when Upstash hangs.
    pub fn freeze(&self) {
        crate::process::signal(self.process.child(), libc::SIGSTOP);
    }

    /// Lets a frozen gateway go on (SIGCONT).
    pub fn thaw(&self) {
        crate::process::signal(self.process.child(), libc::SIGCONT);
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port())
    }

    pub fn port(&self) -> u16 {
        self.process.port()
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// The gateway's counters: HTTP requests served (round trips) and Redis commands forwarded.
    pub fn stats(&self) -> io::Result<Stats> {
        let (_, body) = http_get(self.port(), "/__stats", Some(&format!("Bearer {}", self.token)))?;
        let json: serde_json::Value = serde_json::from_str(&body).map_err(io::Error::other)?;
        let count = |name: &str| {
            json.get(name)
                .and_then(serde_json::Value::as_u64)
                .unwrap_or_default()
        };
        Ok(Stats {
            requests: count("requests"),
            commands: count("commands"),
        })
    }

    /// Runs `op` and returns its output and what it cost (round trips in `requests`). For tests:
    /// panics if the counters cannot be read.
    pub async fn measure<F: std::future::Future>(&self, op: F) -> (F::Output, Stats) {
        let before = self.stats().expect("the gateway's counters");
        let out = op.await;
        (out, self.stats().expect("the gateway's counters") - before)
    }

    pub fn is_running(&mut self) -> bool {
        self.process.is_running()
    }
}

/// See [`Gateway::stats`]; subtract two readings to count what happened in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    pub requests: u64,
    pub commands: u64,
}

impl std::ops::Sub for Stats {
    type Output = Stats;
    fn sub(self, earlier: Stats) -> Stats {
        Stats {
            requests: self.requests - earlier.requests,
            commands: self.commands - earlier.commands,
        }
    }
}

impl Service for Gateway {
    fn pid(&self) -> Option<u32> {
        self.process.pid()
    }

    fn is_running(&mut self) -> bool {
        self.process.is_running()
    }

    fn restart(&mut self) -> io::Result<()> {
        self.process.restart()
    }

    fn probe(&self) -> Probe {
        self.process.probe()
    }
}

/// The token goes in the environment, which only its user can read, never on the command line.
/// Without `delay_ms`, the caller's `UPSTASH_LOCAL_ROUND_TRIP_DELAY_MS` (if any) applies.
fn spawn_gateway(port: u16, redis_url: &str, token: &str, delay_ms: Option<u64>) -> io::Result<Child> {
    let mut cmd = Command::new(gateway_binary()?);
    if let Some(ms) = delay_ms {
        cmd.env("UPSTASH_LOCAL_ROUND_TRIP_DELAY_MS", ms.to_string());
    }
    cmd.args(["--listen", &format!("127.0.0.1:{port}"), "--redis", redis_url])
        .env("UPSTASH_REDIS_REST_TOKEN", token)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    let mut child = spawn_owned(&mut cmd)?;
    if let Err(e) = wait_for_port(&mut child, port, "upstash-local") {
        stop_child(&mut child);
        return Err(e);
    }
    Ok(child)
}

fn gateway_binary() -> io::Result<PathBuf> {
    if let Some(bin) = std::env::var_os("UPSTASH_LOCAL_BIN") {
        return Ok(bin.into());
    }
    let bin = workspace_root().join("target/debug/upstash-local");
    if bin.exists() {
        Ok(bin)
    } else {
        Err(io::Error::other(format!(
            "{} not found: build it first (`cargo build -p upstash-local`, which `make test` does)",
            bin.display()
        )))
    }
}
