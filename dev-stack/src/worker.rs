use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::json_log::JsonLog;
use crate::ports::{free_port, retry_on_taken_port};
use crate::process::{
    ensure_port_free, http_get, log_tail, remove_at_exit, spawn_owned, stop_child, wait_for_port_within,
    wait_until_port_free, workspace_root,
};
use crate::{Probe, Service};

/// Where `wrangler dev` runs a worker's scheduled handler on request.
pub const SCHEDULED_PATH: &str = "/cdn-cgi/local/scheduled?cron=*+*+*+*+*";

/// One worker under `wrangler dev` (workerd), started from the workspace root with the `[env.X]`
/// section of `wrangler.toml`. Workers that call each other through service bindings find each
/// other through the dev registry folder they share.
pub struct Worker {
    launch: Launch,
    child: Child,
    stopped: bool,
}

/// What it takes to start (and restart) one worker.
struct Launch {
    env: String,
    port: u16,
    registry: PathBuf,
    log: Option<PathBuf>,
    /// What `wrangler dev --env-file` reads, in order: later files win.
    env_files: Vec<PathBuf>,
    /// The vars, secrets included, in a file only its owner can read: on a command line they
    /// would be visible to every user of the machine (`ps`). Kept while the worker runs, since
    /// wrangler reads it again when it reloads.
    _vars_file: tempfile::NamedTempFile,
    /// A copy of wrangler.toml with a test's edits (in the workspace root, where its relative
    /// paths hold), or `None` for wrangler.toml itself.
    config: Option<tempfile::NamedTempFile>,
    persist_to: PathBuf,
}

/// How to start a worker.
pub struct WorkerOptions<'a> {
    /// The `[env.X]` of wrangler.toml: `inventory`, `payment`, `consumer-cron`.
    pub env: &'a str,
    /// `None` for a free port.
    pub port: Option<u16>,
    /// Vars on top of wrangler.toml's, secrets included (given to wrangler in a private file).
    pub vars: Vec<(String, String)>,
    /// A dotenv file read before `vars`, which win (`make dev`: the user's `.dev.vars`).
    pub base_env_file: Option<&'a Path>,
    /// The dev registry shared by the workers of one stack (`WRANGLER_REGISTRY_PATH`).
    pub registry: &'a Path,
    /// Where wrangler's output goes, appended (`None`: inherit).
    pub log: Option<&'a Path>,
    /// Edits of wrangler.toml for this worker only, `(text, replacement)`: what a var cannot
    /// change, such as a rate limit. Each text must be found.
    pub config_edits: &'a [(&'a str, &'a str)],
    /// Where wrangler keeps its local state (the rate limiters' counters among it): one folder
    /// per stack, so that stacks running side by side (parallel tests) do not share counters.
    pub persist_to: &'a Path,
}

impl Worker {
    /// Starts it on `options.port` (a busy one is an error), or on a free port, started again on
    /// another one if its port is taken meanwhile.
    pub fn start(options: WorkerOptions<'_>) -> io::Result<Self> {
        match options.port {
            Some(port) => {
                ensure_port_free(port, &format!("the {} worker", options.env))?;
                Self::start_on(port, &options)
            }
            None => retry_on_taken_port(|port| Self::start_on(port, &options)),
        }
    }

    fn start_on(port: u16, options: &WorkerOptions<'_>) -> io::Result<Self> {
        let mut vars_file = tempfile::Builder::new().prefix("wrangler-vars-").tempfile()?;
        for (name, value) in &options.vars {
            writeln!(vars_file, "{}", dotenv_line(name, value)?)?;
        }
        vars_file.flush()?;
        remove_at_exit(vars_file.path());
        let env_files = options
            .base_env_file
            .map(Path::to_path_buf)
            .into_iter()
            .chain([vars_file.path().to_path_buf()])
            .collect();
        let config = edited_config(options.config_edits)?;
        let launch = Launch {
            env: options.env.to_owned(),
            port,
            registry: options.registry.to_path_buf(),
            log: options.log.map(Path::to_path_buf),
            env_files,
            _vars_file: vars_file,
            config,
            persist_to: options.persist_to.to_path_buf(),
        };
        Ok(Self {
            child: launch.spawn()?,
            launch,
            stopped: false,
        })
    }

    pub fn port(&self) -> u16 {
        self.launch.port
    }

    /// Its `[env.X]` of wrangler.toml.
    pub fn env(&self) -> &str {
        &self.launch.env
    }

    /// Where its output goes (`None`: inherited).
    pub fn log_path(&self) -> Option<&Path> {
        self.launch.log.as_deref()
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.launch.port)
    }

    pub fn is_running(&mut self) -> bool {
        !self.stopped && matches!(self.child.try_wait(), Ok(None))
    }

    /// Runs its scheduled handler now, as its cron would in production (`wrangler dev` never fires
    /// crons by itself). Returns when the handler has finished.
    pub fn run_scheduled(&self) -> io::Result<()> {
        run_scheduled_at(self.launch.port)
    }

    /// Stops it (and its workerd) now; also what dropping it does.
    pub fn stop(&mut self) {
        if !self.stopped {
            self.stopped = true;
            stop_child(&mut self.child);
        }
    }
}

/// wrangler.toml with `edits`, as a temporary file beside it; `None` without edits.
fn edited_config(edits: &[(&str, &str)]) -> io::Result<Option<tempfile::NamedTempFile>> {
    if edits.is_empty() {
        return Ok(None);
    }
    let root = workspace_root();
    let mut text = std::fs::read_to_string(root.join("wrangler.toml"))?;
    for (from, to) in edits {
        if !text.contains(from) {
            return Err(io::Error::other(format!("wrangler.toml has no {from:?} to edit")));
        }
        text = text.replacen(from, to, 1);
    }
    let mut file = tempfile::Builder::new()
        .prefix(".wrangler-test-")
        .suffix(".toml")
        .tempfile_in(&root)?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    remove_at_exit(file.path());
    Ok(Some(file))
}

impl Launch {
    fn spawn(&self) -> io::Result<Child> {
        let root = workspace_root();
        let bin = root.join("node_modules/.bin");
        let wrangler = bin.join("wrangler");
        if !wrangler.exists() {
            return Err(io::Error::other(
                "node_modules/.bin/wrangler is missing: run `make setup` (npm ci)",
            ));
        }
        forget_dead_registrations(&self.registry);
        let mut cmd = Command::new(&wrangler);
        cmd.current_dir(&root)
            .args([
                "dev",
                "-e",
                &self.env,
                "--ip",
                "127.0.0.1",
                "--port",
                &self.port.to_string(),
            ])
            .args([
                "--inspector-port",
                &free_port().to_string(),
                // `log`: the workers' own JSON lines (console.log) reach the log file.
                "--log-level",
                "log",
                "--show-interactive-dev-session=false",
            ]);
        // With --env-file, wrangler reads neither .dev.vars nor .env: a developer's own files
        // cannot leak into a test's workers.
        for file in &self.env_files {
            cmd.arg("--env-file").arg(file);
        }
        if let Some(config) = &self.config {
            cmd.arg("--config").arg(config.path());
        }
        // wrangler's local state (the rate limiters' counters) in a folder only we can open: what
        // miniflare writes there is readable by anyone (0644) otherwise.
        private_dir(&self.persist_to)?;
        cmd.arg("--persist-to").arg(&self.persist_to);
        // The Node 22 from npm (`node@22`) first: wrangler needs it, the machine has Node 20.
        let path = std::env::var("PATH").unwrap_or_default();
        cmd.env("PATH", format!("{}:{path}", bin.display()))
            .env("WRANGLER_REGISTRY_PATH", &self.registry)
            .env("WRANGLER_SEND_METRICS", "false")
            .env("WRANGLER_SEND_ERROR_REPORTS", "false")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .env("CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV", "true")
            // No local trace store: miniflare would keep every request (URL and query string, a
            // token sent there included) on disk under the state folder, growing without end.
            // Workers Logs is the production one; our JSON lines are in the log file.
            .env("X_LOCAL_OBSERVABILITY", "false")
            .env("CI", "true")
            // Node keeps the compiled code of wrangler's ~10 MB of JavaScript between starts:
            // a quarter of each start's CPU, times three workers a stack (docs/testing.md).
            .env("NODE_COMPILE_CACHE", root.join("target/node-compile-cache"))
            .stdin(Stdio::null());
        // A log file gets one JSON object a line (`json_log`): wrangler's output is piped through.
        let log = match &self.log {
            Some(path) => {
                cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
                Some(JsonLog::open(path, &format!("the {} worker", self.env))?)
            }
            None => {
                cmd.stdout(Stdio::inherit()).stderr(Stdio::inherit());
                None
            }
        };
        let mut child = spawn_owned(&mut cmd)?;
        if let Some(log) = &log {
            log.follow(&mut child);
        }
        // A cold build of the worker can take minutes; `make test` builds first, so this is quick.
        if let Err(e) = wait_for_port_within(&mut child, self.port, "wrangler dev", Duration::from_secs(300))
        {
            stop_child(&mut child);
            let hint = self
                .log
                .as_ref()
                .map(|l| format!(" (log: {}, ending:\n{})", l.display(), log_tail(l, 30)))
                .unwrap_or_default();
            return Err(io::Error::new(e.kind(), format!("{e}{hint}")));
        }
        Ok(child)
    }
}

/// Creates `dir` (and its missing parents) readable by its owner only (0700), and narrows it to
/// that when it already existed with a wider mode.
fn private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// Runs the scheduled handler of the worker on `port`; see [`Worker::run_scheduled`].
pub fn run_scheduled_at(port: u16) -> io::Result<()> {
    match http_get(port, SCHEDULED_PATH, None)? {
        (200, _) => Ok(()),
        (status, body) => Err(io::Error::other(format!(
            "scheduled run answered {status}: {body}"
        ))),
    }
}

impl Service for Worker {
    fn pid(&self) -> Option<u32> {
        (!self.stopped).then(|| self.child.id())
    }

    fn is_running(&mut self) -> bool {
        Worker::is_running(self)
    }

    fn probe(&self) -> Probe {
        Probe::http(self.launch.port, "/health")
    }

    /// Killing wrangler's node alone leaves its workerd serving the port: the whole group goes
    /// first.
    fn restart(&mut self) -> io::Result<()> {
        self.stop();
        let launch = &self.launch;
        wait_until_port_free(launch.port, &format!("the {} worker", launch.env))?;
        self.child = launch.spawn()?;
        self.stopped = false;
        Ok(())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Removes the dev registry entries of workers that no longer answer. A worker killed outright
/// (or a `make dev` killed outright) leaves its entry, and a new instance does not register
/// while that entry is less than 90 s old: until then its callers' service bindings would still
/// lead to the dead one.
fn forget_dead_registrations(registry: &Path) {
    let Ok(entries) = std::fs::read_dir(registry) else {
        return;
    };
    for path in entries.map_while(Result::ok).map(|e| e.path()) {
        let address = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|entry| entry["debugPortAddress"].as_str()?.parse::<SocketAddr>().ok());
        if let Some(address) = address {
            if TcpStream::connect_timeout(&address, Duration::from_millis(500)).is_err() {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// `NAME='value'` as wrangler's dotenv reads it back unchanged: quotes that the value does not
/// contain, and `$` escaped (wrangler expands `$NAME` in values).
fn dotenv_line(name: &str, value: &str) -> io::Result<String> {
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    let quote = ['\'', '"', '`'].into_iter().find(|q| !value.contains(*q));
    match quote {
        // Inside double quotes dotenv turns `\n` into a line break.
        Some(q) if valid_name && !value.contains(['\n', '\r']) && !(q == '"' && value.contains('\\')) => {
            Ok(format!("{name}={q}{}{q}", value.replace('$', "\\$")))
        }
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{name}: this value cannot be passed to wrangler dev (line break, or every kind of quote)"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::dotenv_line;

    #[test]
    fn values_are_quoted_with_a_quote_they_do_not_contain() {
        let line = |n, v| dotenv_line(n, v).unwrap();
        assert_eq!(line("TOKEN", "abc"), "TOKEN='abc'");
        assert_eq!(
            line("ORIGINS", "http://a:1,http://b:2"),
            "ORIGINS='http://a:1,http://b:2'"
        );
        assert_eq!(line("T", "it's #1"), "T=\"it's #1\"");
        assert_eq!(line("T", "a$b"), "T='a\\$b'");
        assert!(dotenv_line("T", "two\nlines").is_err());
        assert!(dotenv_line("T", "'\"`").is_err());
        assert!(dotenv_line("NOT A NAME", "x").is_err());
    }
}
