//! `make dev`: the local stack in the foreground. Ctrl-C (or SIGTERM) stops everything it started.
//!
//! Ports: `REDIS_PORT` (default 6380, so a system redis on 6379 does not get in the way) and
//! `UPSTASH_LOCAL_PORT` (default 8079). Token: `UPSTASH_REDIS_REST_TOKEN` if set, else one made
//! once and kept in the git-ignored `.dev/token`. Redis data lives in `.dev/redis/`.

use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use dev_stack::{die_with_parent, random_token, workspace_root, Gateway, RedisServer};

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
    let dev_dir = workspace_root().join(".dev");
    let redis_port = port_from_env("REDIS_PORT", 6380)?;
    let gateway_port = port_from_env("UPSTASH_LOCAL_PORT", 8079)?;
    let token = local_token(&dev_dir)?;

    // Our children are in process groups of their own (Ctrl-C reaches only us): if we are killed
    // outright, the kernel still stops them.
    die_with_parent();
    let (stop_tx, stop_rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;

    let mut redis = RedisServer::start_at(redis_port, &dev_dir.join("redis")).map_err(|e| e.to_string())?;
    println!("redis-server ready on 127.0.0.1:{redis_port} (data in .dev/redis)");
    let mut gateway = Gateway::start_at(gateway_port, &redis.url(), &token).map_err(|e| e.to_string())?;
    println!("UPSTASH_REDIS_REST_URL={} (token in .dev/token)", gateway.url());
    println!("Ctrl-C stops everything.");

    loop {
        match stop_rx.recv_timeout(Duration::from_millis(500)) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if !redis.is_running() {
            return Err("redis-server stopped unexpectedly (see .dev/redis/redis.log)".into());
        }
        if !gateway.is_running() {
            return Err("upstash-local stopped unexpectedly".into());
        }
    }
    println!("stopping…");
    Ok(())
}

fn port_from_env(name: &str, default: u16) -> Result<u16, String> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|_| format!("{name}={value} is not a port number")),
        Err(_) => Ok(default),
    }
}

fn local_token(dev_dir: &std::path::Path) -> Result<String, String> {
    if let Ok(token) = std::env::var("UPSTASH_REDIS_REST_TOKEN") {
        if !token.is_empty() {
            return Ok(token);
        }
    }
    let path = dev_dir.join("token");
    if let Ok(token) = std::fs::read_to_string(&path) {
        if !token.trim().is_empty() {
            return Ok(token.trim().to_owned());
        }
    }
    let token = random_token();
    std::fs::create_dir_all(dev_dir)
        .and_then(|()| std::fs::write(&path, &token))
        .map_err(|e| e.to_string())?;
    Ok(token)
}
