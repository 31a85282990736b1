//! The local stack, started for real: `redis-server`, the `upstash-local` gateway and the workers
//! under `wrangler dev`, each a child process (group) on a loopback port, stopped when its handle
//! is dropped (so also when a test panics) and, for handles kept in statics, when the test binary
//! exits (`atexit`).

mod frontend;
mod gateway;
mod process;
mod redis;
mod worker;

pub use frontend::Frontend;
pub use gateway::{Gateway, Stats};
pub use process::{die_with_parent, free_port, random_token, workspace_root};
pub use redis::RedisServer;
pub use worker::{Worker, WorkerOptions};

/// A redis-server with the gateway in front of it: what the workers see as "Upstash".
pub struct Stack {
    pub redis: RedisServer,
    pub gateway: Gateway,
    /// The wrangler dev registry of this stack's workers: they find each other there, and nothing
    /// else (a running `make dev` included).
    registry: tempfile::TempDir,
}

impl Stack {
    /// Starts redis-server and the gateway on free ports, with a random token.
    pub fn start() -> std::io::Result<Self> {
        let redis = RedisServer::start()?;
        let gateway = Gateway::start(&redis.url(), &random_token())?;
        let registry = tempfile::Builder::new().prefix("wrangler-registry-").tempdir()?;
        Ok(Self {
            redis,
            gateway,
            registry,
        })
    }

    /// Starts the worker of `[env.<env>]` under `wrangler dev` on a free port, talking to this
    /// stack's gateway, with `vars` on top of wrangler.toml's. Its output goes to
    /// `target/test-logs/<env>-<port>.log`.
    pub fn worker(&self, env: &str, vars: &[(&str, &str)]) -> std::io::Result<Worker> {
        let mut all: Vec<(String, String)> = vec![
            ("UPSTASH_REDIS_REST_URL".into(), self.gateway.url()),
            ("UPSTASH_REDIS_REST_TOKEN".into(), self.gateway.token().into()),
        ];
        all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let logs = workspace_root().join("target/test-logs");
        std::fs::create_dir_all(&logs)?;
        let log = logs.join(format!("{env}-{}.log", free_port()));
        Worker::start(WorkerOptions {
            env,
            port: None,
            vars: all,
            registry: self.registry.path(),
            log: Some(&log),
        })
    }
}
