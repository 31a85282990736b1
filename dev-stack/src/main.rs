//! `make dev`: the whole local stack in the foreground. Ctrl-C (or SIGTERM) stops everything it
//! started; one line per service says when it is ready.
//!
//! Settings (environment):
//! - ports: `REDIS_PORT` (6380, so a system redis on 6379 is not in the way), `UPSTASH_LOCAL_PORT`
//!   (8079), `INVENTORY_PORT` (8000), `PAYMENT_PORT` (8001), `CONSUMER_CRON_PORT` (8002),
//!   `FRONTEND_PORT` (3000: where the dashboard is served, and the origin the workers' CORS allows);
//! - `SERVE_FRONTEND=0`: do not start the Vite dev server (e2e tests serve the built site themselves
//!   on `FRONTEND_PORT`);
//! - `UPSTASH_REDIS_REST_TOKEN`: the local token (default: made once, kept in `<DEV_DIR>/token`);
//! - `ADMIN_TOKEN`: passed to the workers when set;
//! - `CONSUMER_EVERY_SECONDS` (5): how often the consumer's scheduled handler runs (`wrangler dev`
//!   never fires crons; the payment worker's nudge is what makes the stock follow at once);
//! - `DEV_DIR` (`.dev`): redis data, token, logs, wrangler's dev registry. Only the default one
//!   also writes the git-ignored `.dev.vars` that a hand-run `wrangler dev` reads.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use dev_stack::{
    die_with_parent, random_token, workspace_root, write_private, Frontend, Gateway, RedisServer, Worker,
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

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
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
    std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
    let token = local_token(&dev_dir, std::env::var("UPSTASH_REDIS_REST_TOKEN").ok())?;
    let frontend_port = port_from_env("FRONTEND_PORT", 3000)?;

    // Our children are in process groups of their own (Ctrl-C reaches only us): if we are killed
    // outright, the kernel still stops them.
    die_with_parent();
    let (stop_tx, stop_rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;

    let redis_port = port_from_env("REDIS_PORT", 6380)?;
    let mut redis = RedisServer::start_at(redis_port, &dev_dir.join("redis")).map_err(|e| e.to_string())?;
    say!(
        "redis-server ready on 127.0.0.1:{redis_port} (data in {})",
        shown(&dev_dir.join("redis"))
    );
    let gateway_port = port_from_env("UPSTASH_LOCAL_PORT", 8079)?;
    let mut gateway = Gateway::start_at(gateway_port, &redis.url(), &token).map_err(|e| e.to_string())?;
    say!(
        "upstash-local ready on {} (token in {})",
        gateway.url(),
        shown(&dev_dir.join("token"))
    );

    let secrets = [
        ("UPSTASH_REDIS_REST_URL", gateway.url()),
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
    if let Ok(admin) = std::env::var("ADMIN_TOKEN") {
        vars.push(("ADMIN_TOKEN".into(), admin));
    }

    let config = std::fs::read_to_string(root.join("wrangler.toml")).map_err(|e| e.to_string())?;
    let mut workers: Vec<(String, Worker)> = Vec::new();
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
        })
        .map_err(|e| format!("{env} worker: {e}"))?;
        say!("{env}-worker ready on {} (log: {})", worker.url(), shown(&log));
        workers.push((env.to_owned(), worker));
    }

    let mut frontend = None;
    let serve_frontend = std::env::var("SERVE_FRONTEND").map_or(true, |v| v != "0");
    if serve_frontend && frontend_port != 0 && root.join("frontend/package.json").exists() {
        let log = logs.join("frontend.log");
        let url = |env: &str, default: u16| {
            let port = workers
                .iter()
                .find(|(e, _)| e == env)
                .map_or(default, |(_, w)| w.port());
            format!("http://127.0.0.1:{port}")
        };
        let apis = (url("inventory", 8000), url("payment", 8001));
        let f =
            Frontend::start(frontend_port, (&apis.0, &apis.1), &log).map_err(|e| format!("frontend: {e}"))?;
        say!(
            "frontend ready on http://localhost:{frontend_port} (log: {})",
            shown(&log)
        );
        frontend = Some(f);
    }
    say!("all services ready; Ctrl-C stops everything.");

    let every = Duration::from_secs(port_from_env("CONSUMER_EVERY_SECONDS", 5)?.max(1).into());
    let mut next_run = std::time::Instant::now() + every;
    loop {
        match stop_rx.recv_timeout(Duration::from_millis(500)) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if !redis.is_running() {
            return Err(format!(
                "redis-server stopped unexpectedly (see {})",
                shown(&dev_dir.join("redis/redis.log"))
            ));
        }
        if !gateway.is_running() {
            return Err("upstash-local stopped unexpectedly".into());
        }
        if let Some(env) = workers
            .iter_mut()
            .find_map(|(env, w)| (!w.is_running()).then_some(env))
        {
            return Err(format!(
                "the {env} worker stopped unexpectedly (see {})",
                shown(&logs.join(format!("{env}.log")))
            ));
        }
        if std::time::Instant::now() >= next_run {
            next_run = std::time::Instant::now() + every;
            if let Some((_, consumer)) = workers.iter().find(|(env, _)| env == "consumer-cron") {
                if let Err(e) = consumer.run_scheduled() {
                    eprintln!("consumer-cron: {e}");
                }
            }
        }
        if frontend.as_mut().is_some_and(|f| !f.is_running()) {
            return Err(format!(
                "the frontend stopped unexpectedly (see {})",
                shown(&logs.join("frontend.log"))
            ));
        }
    }
    say!("stopping…");
    Ok(())
}

fn shown(path: &Path) -> String {
    let root = workspace_root();
    path.strip_prefix(&root).unwrap_or(path).display().to_string()
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
    if let Some(token) = given.filter(|t| !t.is_empty()) {
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
}
