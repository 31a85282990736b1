//! `upstash-local`: the Upstash Redis REST protocol in front of a real `redis-server`.
//!
//! A faithful bridge, never a fake: every command is forwarded to Redis (RESP2) and its reply is
//! mapped to Upstash's JSON (https://upstash.com/docs/redis/features/restapi). What it adds on top
//! of Redis is only what the REST service itself does: auth, base64, sync tokens, and guards that keep blocking
//! or connection-state commands off the shared connections.

mod command;
mod http;
mod key_locking;
mod redis_pool;
mod reply;
mod sse;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use command::{Command, Rejected};

/// What the gateway needs to run.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub redis_url: String,
    pub token: String,
    /// How long one Redis reply may take before the request answers 502.
    pub response_timeout: Duration,
    /// Added to every request (not to `/__stats`) before it is served: the distance to a hosted
    /// Upstash, so that a local run shows what each sequential round trip costs a deployed worker
    /// (e.g. 5 ms within a cloud region). Zero by default.
    pub round_trip_delay: Duration,
}

impl std::fmt::Debug for Config {
    // The token never reaches a log line, not even through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("redis_url", &redact_url(&self.redis_url))
            .field("token", &"<hidden>")
            .field("round_trip_delay", &self.round_trip_delay)
            .finish()
    }
}

/// A bound, not yet serving, gateway.
pub struct Gateway {
    listener: tokio::net::TcpListener,
    app: Arc<http::App>,
}

impl Gateway {
    pub async fn bind(config: Config) -> io::Result<Self> {
        let client = redis::Client::open(config.redis_url.as_str())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("bad --redis URL: {e}")))?;
        if config.token.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the token must not be empty",
            ));
        }
        let listener = listen(config.listen)?;
        let app = Arc::new(http::App::new(
            client,
            config.token,
            config.response_timeout,
            config.round_trip_delay,
        ));
        Ok(Self { listener, app })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Whether redis-server answers PING right now (for the start-up message only).
    pub async fn redis_reachable(&self) -> bool {
        self.app.redis_reachable().await
    }

    /// Serves until `shutdown` resolves, then gives open requests (e.g. SSE streams) two seconds.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = http::router(self.app);
        let server = axum::serve(self.listener, router).with_graceful_shutdown(async move {
            shutdown.await;
            let _ = tx.send(());
        });
        let grace = async move {
            if rx.await.is_ok() {
                tokio::time::sleep(Duration::from_secs(2)).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            result = server => result,
            () = grace => Ok(()),
        }
    }
}

/// A listening socket with a large accept backlog, so a burst of 1000 connections is not refused.
fn listen(addr: SocketAddr) -> io::Result<tokio::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into()).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot listen on {addr}: {e} (is the port already in use?)"),
        )
    })?;
    socket.listen(4096)?;
    socket.set_nonblocking(true)?;
    tokio::net::TcpListener::from_std(socket.into())
}

/// `redis://user:secret@host:6379` → `redis://user:***@host:6379`, for log lines.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact_url("redis://:pw@127.0.0.1:6379"),
            "redis://:***@127.0.0.1:6379"
        );
        assert_eq!(
            super::redact_url("redis://127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
    }
}
