use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

/// An Upstash-compatible Redis REST API in front of a real redis-server, for local development
/// and tests: point UPSTASH_REDIS_REST_URL at it and use any Upstash client unchanged.
#[derive(Parser)]
#[command(name = "upstash-local", version)]
struct Cli {
    /// Address to serve the REST API on.
    #[arg(long, env = "UPSTASH_LOCAL_LISTEN", default_value = "127.0.0.1:8079")]
    listen: SocketAddr,
    /// redis-server to forward every command to.
    #[arg(long, env = "UPSTASH_LOCAL_REDIS", default_value = "redis://127.0.0.1:6379")]
    redis: String,
    /// Bearer token clients must send (as `Authorization: Bearer <token>` or `?_token=`).
    #[arg(long, env = "UPSTASH_REDIS_REST_TOKEN", hide_env_values = true)]
    token: String,
    /// Seconds one Redis reply may take before the request answers 502.
    #[arg(long, env = "UPSTASH_LOCAL_RESPONSE_TIMEOUT", default_value_t = 10)]
    response_timeout: u64,
    /// Milliseconds added to every request before it is served: the distance to a hosted Upstash
    /// (e.g. 5 within one cloud region), so that a benchmark shows each sequential round trip.
    #[arg(long, env = "UPSTASH_LOCAL_ROUND_TRIP_DELAY_MS", default_value_t = 0)]
    round_trip_delay_ms: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = upstash_local::Config {
        listen: cli.listen,
        redis_url: cli.redis,
        token: cli.token,
        response_timeout: Duration::from_secs(cli.response_timeout),
        round_trip_delay: Duration::from_millis(cli.round_trip_delay_ms),
    };
    let redis_shown = upstash_local::redact_url(&config.redis_url);
    let gateway = match upstash_local::Gateway::bind(config).await {
        Ok(gateway) => gateway,
        Err(e) => {
            eprintln!("upstash-local: {e}");
            return ExitCode::FAILURE;
        }
    };
    let addr = gateway.local_addr().map(|a| a.to_string()).unwrap_or_default();
    if !gateway.redis_reachable().await {
        eprintln!(
            "upstash-local: warning: {redis_shown} is not reachable yet; requests answer 502 until it is"
        );
    }
    let delay = match cli.round_trip_delay_ms {
        0 => String::new(),
        ms => format!(" (every request delayed {ms} ms)"),
    };
    println!("upstash-local ready on http://{addr} -> {redis_shown}{delay}");
    match gateway.serve(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("upstash-local: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {},
        _ = int.recv() => {},
    }
}
