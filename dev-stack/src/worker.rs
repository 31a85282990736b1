use std::fs::File;
use std::io;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::process::{
    ensure_port_free, free_port, http_get, spawn_owned, stop_child, wait_for_port_within, workspace_root,
};

/// Where `wrangler dev` runs a worker's scheduled handler on request.
pub const SCHEDULED_PATH: &str = "/cdn-cgi/local/scheduled?cron=*+*+*+*+*";

/// One worker under `wrangler dev` (workerd), started from the workspace root with the `[env.X]`
/// section of `wrangler.toml`. Workers that call each other through service bindings find each
/// other through the dev registry folder they share.
pub struct Worker {
    port: u16,
    child: Child,
    stopped: bool,
}

/// How to start a worker.
pub struct WorkerOptions<'a> {
    /// The `[env.X]` of wrangler.toml: `inventory`, `payment`, `consumer-cron`.
    pub env: &'a str,
    /// `None` for a free port.
    pub port: Option<u16>,
    /// `--var NAME:VALUE` pairs (tests pass secrets this way; `make dev` writes `.dev.vars`).
    pub vars: Vec<(String, String)>,
    /// The dev registry shared by the workers of one stack (`WRANGLER_REGISTRY_PATH`).
    pub registry: &'a Path,
    /// Where wrangler's output goes (`None`: inherit, as `make dev` shows it).
    pub log: Option<&'a Path>,
}

impl Worker {
    pub fn start(options: WorkerOptions<'_>) -> io::Result<Self> {
        let port = match options.port {
            Some(port) => {
                ensure_port_free(port, &format!("the {} worker", options.env))?;
                port
            }
            None => free_port(),
        };
        let root = workspace_root();
        let bin = root.join("node_modules/.bin");
        let wrangler = bin.join("wrangler");
        if !wrangler.exists() {
            return Err(io::Error::other(
                "node_modules/.bin/wrangler is missing: run `make setup` (npm ci)",
            ));
        }
        let mut cmd = Command::new(&wrangler);
        cmd.current_dir(&root)
            .args([
                "dev",
                "-e",
                options.env,
                "--ip",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .args([
                "--inspector-port",
                &free_port().to_string(),
                "--log-level",
                "warn",
                "--show-interactive-dev-session=false",
            ]);
        for (name, value) in &options.vars {
            cmd.arg("--var").arg(format!("{name}:{value}"));
        }
        // The Node 22 from npm (`node@22`) first: wrangler needs it, the machine has Node 20.
        let path = std::env::var("PATH").unwrap_or_default();
        cmd.env("PATH", format!("{}:{path}", bin.display()))
            .env("WRANGLER_REGISTRY_PATH", options.registry)
            .env("WRANGLER_SEND_METRICS", "false")
            .env("WRANGLER_SEND_ERROR_REPORTS", "false")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .env("CI", "true")
            .stdin(Stdio::null());
        match options.log {
            Some(log) => {
                let file = File::create(log)?;
                cmd.stdout(file.try_clone()?).stderr(file);
            }
            None => {
                cmd.stdout(Stdio::inherit()).stderr(Stdio::inherit());
            }
        }
        let mut child = spawn_owned(&mut cmd)?;
        // A cold build of the worker can take minutes; `make test` builds first, so this is quick.
        if let Err(e) = wait_for_port_within(&mut child, port, "wrangler dev", Duration::from_secs(300)) {
            stop_child(&mut child);
            let hint = options
                .log
                .map(|l| format!(" (log: {})", l.display()))
                .unwrap_or_default();
            return Err(io::Error::other(format!("{e}{hint}")));
        }
        Ok(Self {
            port,
            child,
            stopped: false,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn is_running(&mut self) -> bool {
        !self.stopped && matches!(self.child.try_wait(), Ok(None))
    }

    /// Runs its scheduled handler now, as its cron would in production (`wrangler dev` never fires
    /// crons by itself). Returns when the handler has finished.
    pub fn run_scheduled(&self) -> io::Result<()> {
        match http_get(self.port, SCHEDULED_PATH, None)? {
            (200, _) => Ok(()),
            (status, body) => Err(io::Error::other(format!(
                "scheduled run answered {status}: {body}"
            ))),
        }
    }

    /// Stops it (and its workerd) now; also what dropping it does.
    pub fn stop(&mut self) {
        if !self.stopped {
            self.stopped = true;
            stop_child(&mut self.child);
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}
