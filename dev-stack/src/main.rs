//! `make dev`: the whole local stack in the foreground. Ctrl-C (or SIGTERM) stops everything it
//! started; one line per service says when it is ready. A service that dies is started again on
//! the same port with the same token and data; one that keeps dying stops `make dev`.
//!
//! Settings (environment):
//! - ports: `REDIS_PORT` (6380, so a system redis on 6379 is not in the way), `UPSTASH_LOCAL_PORT`
//!   (8079), `INVENTORY_PORT` (8000), `PAYMENT_PORT` (8001), `CONSUMER_CRON_PORT` (8002),
//!   `FRONTEND_PORT` (3000: where the dashboard is served, and the origin the workers' CORS allows);
//! - `SERVE_FRONTEND=0`: do not start the Vite dev server (e2e tests serve the built site themselves
//!   on `FRONTEND_PORT`);
//! - `UPSTASH_REDIS_REST_TOKEN`: the local token (default: made once, kept in `<DEV_DIR>/token`);
//! - `ADMIN_TOKEN`: passed to the workers when set (or kept in `.dev.vars`); without one, the
//!   workers run the tutorial's open shop (`ADMIN_AUTH=open`, which no deployment sets: deployed,
//!   a worker without `ADMIN_TOKEN` refuses every admin operation), and the ready line says so;
//! - `RATE_LIMIT`: every rate limit of wrangler.toml set to this many writes per period, for
//!   benchmarks and fuzzing from one address (the defaults allow 1,000 a minute);
//! - `WORKER_VARS`: more vars for every worker on top of wrangler.toml's, `NAME=value` separated
//!   by commas (e.g. `FEE_RATE=0.25,PAYMENT_DELAY_MS=1000`);
//! - `CONSUMER_EVERY_SECONDS` (5): how often, in whole seconds, the consumer's scheduled handler
//!   runs (`wrangler dev` never fires crons; the payment worker's nudge is what makes the stock
//!   follow at once); 0: never;
//! - `DEV_DIR` (`.dev`): redis data, token, logs, process ids (`pids/<service>.pid`), wrangler's
//!   dev registry. Only the default one also writes the git-ignored `.dev.vars` that a hand-run
//!   `wrangler dev` reads.

use std::collections::VecDeque;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod up;

use dev_stack::{
    die_with_parent, random_token, rate_limit_edits, run_scheduled_at, service_name, start_frontend,
    workspace_root, write_private, DashboardApis, Gateway, Probe, RedisServer, Service, Worker,
    WorkerOptions,
};

/// A line on stdout. A closed stdout (piped into `head`, say) must not stop the stack halfway.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// The workers of wrangler.toml: (env section, port variable, default port).
const WORKERS: [(&str, &str, u16); 3] = [
    ("inventory", "INVENTORY_PORT", 8000),
    ("payment", "PAYMENT_PORT", 8001),
    ("consumer-cron", "CONSUMER_CRON_PORT", 8002),
];

/// A service that fails this many times within `FAILURE_WINDOW` (deaths and failed restarts
/// alike) is not started again: `make dev` stops with an error instead of looping.
const MAX_FAILURES: usize = 5;
const FAILURE_WINDOW: Duration = Duration::from_secs(120);
const FIRST_RETRY: Duration = Duration::from_millis(500);

/// Each service's port is asked this often whether it answers (a PING, an HTTP request): a
/// process can be alive while its port hangs, which is what a user sees.
const PROBE_EVERY: Duration = Duration::from_secs(3);
/// One check's wait for an answer: generous, since a loaded machine answers slowly.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
/// This many checks in a row without an answer count as a death.
const SILENT_CHECKS: u32 = 3;

/// `dev-stack` alone is `make dev`'s runner (set through the environment, above); `dev-stack up`
/// starts a stack for a test harness, bench or fuzz run (`up.rs`).
#[derive(clap::Parser)]
#[command(
    name = "dev-stack",
    about = "The local stack: `make dev` (no subcommand), or `up` for tests"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Subcommand>,
}

#[derive(clap::Subcommand)]
enum Subcommand {
    /// Start a profile on free ports, print its URLs as one JSON line, stop when stdin closes.
    Up(up::Up),
}

fn main() -> ExitCode {
    let cli = <Cli as clap::Parser>::parse();
    let outcome = match cli.command {
        None => run(),
        Some(Subcommand::Up(up)) => up::run(up).map_err(|e| format!("up: {e}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // Ctrl-C while a service was still starting: a stop, not a failure.
        Err(_) if dev_stack::interrupted() => {
            say!("stopping…");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("make dev: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let root = workspace_root();
    let default_dir = root.join(".dev");
    let dev_dir = std::env::var_os("DEV_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| default_dir.clone());
    let logs = dev_dir.join("logs");
    let pids = dev_dir.join("pids");
    for dir in [&logs, &pids] {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let given_token = std::env::var("UPSTASH_REDIS_REST_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    // Where the ready line says the token is: the file exists only when we keep it there.
    let token_is = match given_token {
        Some(_) => "from UPSTASH_REDIS_REST_TOKEN".to_owned(),
        None => format!("in {}", shown(&dev_dir.join("token"))),
    };
    let token = local_token(&dev_dir, given_token)?;
    let frontend_port = port_from_env("FRONTEND_PORT", 3000)?;

    // Our children are in process groups of their own (Ctrl-C reaches only us): if we are killed
    // outright, the kernel still stops them (but not what they started: a worker's workerd).
    die_with_parent();
    let (stop_tx, stop_rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        // A restart in progress gives up waiting for its service, so we stop at once.
        dev_stack::interrupt();
        let _ = stop_tx.send(());
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;

    let mut parts: Vec<Supervised> = Vec::new();
    let redis_port = port_from_env("REDIS_PORT", 6380)?;
    let redis_dir = dev_dir.join("redis");
    let redis = RedisServer::start_at(redis_port, &redis_dir).map_err(|e| e.to_string())?;
    let redis_url = redis.url();
    parts.push(Supervised::new(
        "redis-server",
        format!("127.0.0.1:{redis_port}"),
        redis_dir.join("redis.log"),
        redis,
    ));
    say!(
        "redis-server ready on 127.0.0.1:{redis_port} (data in {})",
        shown(&redis_dir)
    );
    let gateway_port = port_from_env("UPSTASH_LOCAL_PORT", 8079)?;
    let gateway = Gateway::start_at(gateway_port, &redis_url, &token).map_err(|e| e.to_string())?;
    let gateway_url = gateway.url();
    // Its own messages go to our stderr.
    parts.push(Supervised::new(
        "upstash-local",
        gateway_url.clone(),
        PathBuf::new(),
        gateway,
    ));
    say!("upstash-local ready on {gateway_url} (token {token_is})");

    let secrets = [
        ("UPSTASH_REDIS_REST_URL", gateway_url),
        ("UPSTASH_REDIS_REST_TOKEN", token.clone()),
    ];
    let dev_vars = root.join(".dev.vars");
    let base_env_file = if dev_dir == default_dir {
        write_dev_vars(&dev_vars, &secrets)?;
        Some(dev_vars.as_path())
    } else {
        None
    };
    let mut vars: Vec<(String, String)> = secrets.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    if frontend_port != 0 {
        let origins = format!("http://localhost:{frontend_port},http://127.0.0.1:{frontend_port}");
        vars.push(("ALLOWED_ORIGINS".into(), origins));
    }
    let admin_token = std::env::var("ADMIN_TOKEN").ok().filter(|t| !t.trim().is_empty());
    let token_in_dev_vars = base_env_file
        .and_then(|f| std::fs::read_to_string(f).ok())
        .is_some_and(|text| {
            text.lines().any(|line| {
                let value = line.trim_start().strip_prefix("ADMIN_TOKEN=");
                value.is_some_and(|v| !v.trim().trim_matches(['"', '\'']).is_empty())
            })
        });
    let admin_open = admin_token.is_none() && !token_in_dev_vars;
    match admin_token {
        Some(admin) => vars.push(("ADMIN_TOKEN".into(), admin)),
        None if admin_open => {
            let (name, value) = dev_stack::OPEN_ADMIN;
            vars.push((name.into(), value.into()));
        }
        None => {}
    }
    for pair in std::env::var("WORKER_VARS").unwrap_or_default().split(',') {
        if let Some((name, value)) = pair.split_once('=') {
            vars.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }

    let config = std::fs::read_to_string(root.join("wrangler.toml")).map_err(|e| e.to_string())?;
    let raised = raised_rate_limits(&config)?;
    let rate_limit_edits: Vec<(&str, &str)> = raised.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let mut worker_ports: Vec<(&str, u16)> = Vec::new();
    for (env, port_var, default_port) in WORKERS {
        if !config.contains(&format!("[env.{env}]")) {
            continue;
        }
        let log = logs.join(format!("{env}.log"));
        let worker = Worker::start(WorkerOptions {
            env,
            port: Some(port_from_env(port_var, default_port)?),
            vars: vars.clone(),
            base_env_file,
            registry: &dev_dir.join("registry"),
            log: Some(&log),
            config_edits: &rate_limit_edits,
            persist_to: &dev_dir.join("wrangler-state"),
        })
        .map_err(|e| format!("{env} worker: {e}"))?;
        let name = service_name(env);
        say!("{name} ready on {} (log: {})", worker.url(), shown(&log));
        worker_ports.push((env, worker.port()));
        parts.push(Supervised::new(&name, worker.url(), log, worker));
    }

    let serve_frontend = std::env::var("SERVE_FRONTEND").map_or(true, |v| v != "0");
    if serve_frontend && frontend_port != 0 && root.join("frontend/package.json").exists() {
        let log = logs.join("frontend.log");
        let url = |env: &str, default: u16| {
            let port = worker_ports
                .iter()
                .find(|(e, _)| *e == env)
                .map_or(default, |(_, port)| *port);
            format!("http://127.0.0.1:{port}")
        };
        let apis = DashboardApis {
            inventory: url("inventory", 8000),
            payment: url("payment", 8001),
            consumer: url("consumer-cron", 8002),
        };
        let frontend = start_frontend(frontend_port, apis, &log).map_err(|e| format!("frontend: {e}"))?;
        let address = format!("http://localhost:{frontend_port}");
        say!("frontend ready on {address} (log: {})", shown(&log));
        parts.push(Supervised::new("frontend", address, log, frontend));
    }
    for part in &parts {
        part.write_pid(&pids);
    }
    let admin = if admin_open {
        "admin routes open (no ADMIN_TOKEN)"
    } else {
        "admin routes need the ADMIN_TOKEN"
    };
    say!("all services ready; {admin}; Ctrl-C stops everything.");

    // `None`: never (only the payment worker's nudges).
    let every = seconds_from_env("CONSUMER_EVERY_SECONDS", 5)?;
    let mut next_run = Instant::now() + every.unwrap_or_default();
    let mut next_probe = Instant::now() + PROBE_EVERY;
    // The consumer's run in progress: on a thread of its own, so that a hung consumer does not
    // hold up the supervision of everything else.
    let mut consumer_run: Option<std::thread::JoinHandle<()>> = None;
    let outcome = loop {
        match stop_rx.recv_timeout(Duration::from_millis(500)) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break Ok(()),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if Instant::now() >= next_probe {
            probe_all(&mut parts);
            next_probe = Instant::now() + PROBE_EVERY;
        }
        if let Err(e) = parts.iter_mut().try_for_each(|part| part.watch(&pids)) {
            break Err(e);
        }
        let idle = consumer_run.as_ref().is_none_or(|run| run.is_finished());
        if let (true, Some(every)) = (idle && Instant::now() >= next_run, every) {
            next_run = Instant::now() + every;
            let consumer_up = parts
                .iter()
                .any(|p| p.name == service_name("consumer-cron") && p.retry_at.is_none());
            let consumer = worker_ports.iter().find(|(env, _)| *env == "consumer-cron");
            if let (true, Some(&(_, port))) = (consumer_up, consumer) {
                consumer_run = Some(std::thread::spawn(move || {
                    if let Err(e) = run_scheduled_at(port) {
                        eprintln!("consumer-cron: {e}");
                    }
                }));
            }
        }
    };
    if outcome.is_ok() {
        say!("stopping…");
    }
    drop(parts);
    let _ = std::fs::remove_dir_all(&pids);
    outcome
}

/// Asks every service that is up whether its port answers, all at once (a hung one takes
/// `PROBE_TIMEOUT`), and counts the silences.
fn probe_all(parts: &mut [Supervised]) {
    let probes: Vec<Option<Probe>> = parts
        .iter()
        .map(|part| part.retry_at.is_none().then(|| part.service.probe()))
        .collect();
    let answers: Vec<Option<std::io::Result<()>>> = std::thread::scope(|scope| {
        let asking: Vec<_> = probes
            .iter()
            .map(|probe| scope.spawn(move || probe.map(|p| p.ask(PROBE_TIMEOUT))))
            .collect();
        asking.into_iter().map(|a| a.join().unwrap_or(None)).collect()
    });
    for (part, answer) in parts.iter_mut().zip(answers) {
        match answer {
            Some(Ok(())) => part.silent = 0,
            Some(Err(e)) => {
                part.silent += 1;
                part.silence = e.to_string();
            }
            None => {}
        }
    }
}

/// One service under watch: started again when it dies or its port stops answering, after a
/// pause that doubles with each recent failure.
struct Supervised {
    name: String,
    address: String,
    /// Where to look when it dies (empty: its messages go to our stderr).
    log: PathBuf,
    service: Box<dyn Service>,
    /// Deaths and failed restarts within `FAILURE_WINDOW`, oldest first.
    failures: VecDeque<Instant>,
    /// Down, to be started again at this time.
    retry_at: Option<Instant>,
    /// Checks in a row its port did not answer, and why the last one failed.
    silent: u32,
    silence: String,
}

impl Supervised {
    fn new(name: &str, address: String, log: PathBuf, service: impl Service + 'static) -> Self {
        Self {
            name: name.to_owned(),
            address,
            log,
            service: Box::new(service),
            failures: VecDeque::new(),
            retry_at: None,
            silent: 0,
            silence: String::new(),
        }
    }

    fn see_log(&self) -> String {
        if self.log.as_os_str().is_empty() {
            String::new()
        } else {
            format!(" (see {})", shown(&self.log))
        }
    }

    /// Notices a death or a port that stopped answering, restarts when it is time; an error when
    /// it is time to give up.
    fn watch(&mut self, pids: &Path) -> Result<(), String> {
        match self.retry_at {
            None if self.service.is_running() && self.silent >= SILENT_CHECKS => {
                let delay = self.failed()?;
                say!(
                    "{} stopped answering on {} ({} checks in a row: {}){}; restarting it in {}",
                    self.name,
                    self.address,
                    self.silent,
                    self.silence,
                    self.see_log(),
                    seconds(delay)
                );
                Ok(())
            }
            None if self.service.is_running() => Ok(()),
            None => {
                let delay = self.failed()?;
                say!(
                    "{} stopped unexpectedly{}; restarting it in {}",
                    self.name,
                    self.see_log(),
                    seconds(delay)
                );
                Ok(())
            }
            Some(at) if Instant::now() >= at => match self.service.restart() {
                Ok(()) => {
                    self.retry_at = None;
                    self.silent = 0;
                    self.write_pid(pids);
                    say!("{} ready again on {}", self.name, self.address);
                    Ok(())
                }
                // Ctrl-C: the loop stops everything next.
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(()),
                Err(e) => {
                    let delay = self.failed()?;
                    say!("{} did not start: {e}; next try in {}", self.name, seconds(delay));
                    Ok(())
                }
            },
            Some(_) => Ok(()),
        }
    }

    /// Counts a failure and schedules the next try, or gives up.
    fn failed(&mut self) -> Result<Duration, String> {
        let now = Instant::now();
        self.failures.push_back(now);
        while self
            .failures
            .front()
            .is_some_and(|&t| now.duration_since(t) > FAILURE_WINDOW)
        {
            self.failures.pop_front();
        }
        let delay = retry_delay(self.failures.len()).ok_or_else(|| {
            format!(
                "{} failed {} times within {} s; giving up{}",
                self.name,
                self.failures.len(),
                FAILURE_WINDOW.as_secs(),
                self.see_log()
            )
        })?;
        self.retry_at = Some(now + delay);
        Ok(delay)
    }

    /// `<pids>/<name>.pid`, so that a user (or a test) can find the process without searching by
    /// name. Written whole or not at all (a rename).
    fn write_pid(&self, pids: &Path) {
        if let Some(pid) = self.service.pid() {
            let file = pids.join(format!("{}.pid", self.name));
            let partial = pids.join(format!(".{}.pid", self.name));
            let written =
                std::fs::write(&partial, format!("{pid}\n")).and_then(|()| std::fs::rename(&partial, &file));
            if let Err(e) = written {
                eprintln!("make dev: cannot write {}: {e}", file.display());
            }
        }
    }
}

/// The pause before the next start after `failures` recent failures; `None`: give up.
fn retry_delay(failures: usize) -> Option<Duration> {
    (1..MAX_FAILURES)
        .contains(&failures)
        .then(|| FIRST_RETRY * (1 << (failures - 1)))
}

fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f32())
}

/// With `RATE_LIMIT=n`, the edits that set every rate limit of wrangler.toml to `n`.
fn raised_rate_limits(config: &str) -> Result<Vec<(String, String)>, String> {
    let Ok(limit) = std::env::var("RATE_LIMIT") else {
        return Ok(Vec::new());
    };
    let limit: u64 = limit
        .parse()
        .map_err(|_| format!("RATE_LIMIT={limit} is not a whole number"))?;
    Ok(rate_limit_edits(config, limit))
}

fn shown(path: &Path) -> String {
    let root = workspace_root();
    path.strip_prefix(&root).unwrap_or(path).display().to_string()
}

/// A whole number of seconds from the environment (`default` when unset); `None` for 0: never.
fn seconds_from_env(name: &str, default: u64) -> Result<Option<Duration>, String> {
    let seconds = match std::env::var(name) {
        Ok(value) => value
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("{name}={value} is not a whole number of seconds"))?,
        Err(_) => default,
    };
    Ok((seconds > 0).then(|| Duration::from_secs(seconds)))
}

fn port_from_env(name: &str, default: u16) -> Result<u16, String> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|_| format!("{name}={value} is not a port number")),
        Err(_) => Ok(default),
    }
}

/// The token given (`UPSTASH_REDIS_REST_TOKEN`), or the one kept in `<dev_dir>/token` (made
/// once, 0600).
fn local_token(dev_dir: &Path, given: Option<String>) -> Result<String, String> {
    if let Some(token) = given {
        return Ok(token);
    }
    let path = dev_dir.join("token");
    if let Ok(token) = std::fs::read_to_string(&path) {
        if !token.trim().is_empty() {
            // Made readable by others before this was 0600: not any more.
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| format!("cannot restrict {}: {e}", path.display()))?;
            return Ok(token.trim().to_owned());
        }
    }
    let token = random_token();
    std::fs::create_dir_all(dev_dir)
        .and_then(|()| write_private(&path, &token))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(token)
}

/// Sets our keys in `.dev.vars` (0600) and keeps any other line (an `ADMIN_TOKEN` the user added,
/// say).
fn write_dev_vars(path: &Path, secrets: &[(&str, String)]) -> Result<(), String> {
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let mut lines: Vec<String> = existing
        .lines()
        .filter(|line| {
            !secrets
                .iter()
                .any(|(k, _)| line.trim_start().starts_with(&format!("{k}=")))
        })
        .map(str::to_owned)
        .collect();
    if lines.is_empty() {
        lines.push("# Written by `make dev` for wrangler dev: local secrets, never committed.".into());
    }
    lines.extend(secrets.iter().map(|(k, v)| format!("{k}=\"{v}\"")));
    write_private(path, &(lines.join("\n") + "\n")).map_err(|e| format!("cannot write .dev.vars: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn dev_vars_is_private_and_keeps_the_users_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".dev.vars");
        std::fs::write(&path, "ADMIN_TOKEN=mine\nUPSTASH_REDIS_REST_TOKEN=\"old\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_dev_vars(&path, &[("UPSTASH_REDIS_REST_TOKEN", "new".into())]).unwrap();
        assert_eq!(mode(&path), 0o600, "an existing readable file is made private");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "ADMIN_TOKEN=mine\nUPSTASH_REDIS_REST_TOKEN=\"new\"\n"
        );
    }

    #[test]
    fn the_kept_token_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let made = local_token(dir.path(), None).unwrap();
        let path = dir.path().join("token");
        assert_eq!(mode(&path), 0o600, "a new token file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(local_token(dir.path(), None).unwrap(), made, "kept across runs");
        assert_eq!(mode(&path), 0o600, "an old readable token file is made private");
    }

    #[test]
    fn the_consumer_period_is_read_as_seconds_not_as_a_port() {
        let read = |value: &str| {
            std::env::set_var("TEST_EVERY_SECONDS", value);
            let out = seconds_from_env("TEST_EVERY_SECONDS", 5);
            std::env::remove_var("TEST_EVERY_SECONDS");
            out
        };
        assert_eq!(
            read("70000"),
            Ok(Some(Duration::from_secs(70_000))),
            "past a port's range"
        );
        assert_eq!(read("0"), Ok(None), "never");
        assert_eq!(
            read("1m"),
            Err("TEST_EVERY_SECONDS=1m is not a whole number of seconds".into())
        );
        assert_eq!(
            seconds_from_env("TEST_EVERY_SECONDS_UNSET", 5),
            Ok(Some(Duration::from_secs(5)))
        );
    }

    #[test]
    fn restarts_back_off_then_give_up() {
        let delays: Vec<Option<Duration>> = (1..=MAX_FAILURES).map(retry_delay).collect();
        assert_eq!(
            delays,
            [
                Some(Duration::from_millis(500)),
                Some(Duration::from_secs(1)),
                Some(Duration::from_secs(2)),
                Some(Duration::from_secs(4)),
                None
            ]
        );
    }
}
