//! The local stack, started for real: `redis-server`, the `upstash-local` gateway and the workers
//! under `wrangler dev`, each a child process (group) on a loopback port, stopped when its handle
//! is dropped (so also when a test panics) and, for handles kept in statics, when the test binary
//! exits (`atexit`).

pub mod checks;
mod frontend;
mod gateway;
pub mod http;
mod json_log;
mod per_test_file;
mod ports;
mod probe;
mod process;
mod redis;
mod worker;
mod workerd;

pub use frontend::{start_frontend, DashboardApis};
pub use gateway::{Gateway, Stats};
pub use per_test_file::per_test_file;
pub use ports::{free_port, retry_on_taken_port};
pub use probe::{Probe, ProbeKind};
pub use process::{
    die_with_parent, interrupt, interrupted, log_tail, random_token, workspace_root, write_private,
};
pub use redis::RedisServer;
pub use worker::{run_scheduled_at, Worker, WorkerOptions};
pub use workerd::{deploy_dry_run, WorkerdShop};

/// A part of the stack that `make dev` keeps alive: when it dies, it is started again with the
/// same port, token and data.
pub trait Service {
    /// The process that stands for it (redis-server, upstash-local, wrangler's node, npm), while
    /// it has one.
    fn pid(&self) -> Option<u32>;
    fn is_running(&mut self) -> bool;
    /// Stops whatever is left of it (its whole process group) and starts it again.
    fn restart(&mut self) -> std::io::Result<()>;
    /// How to ask it whether its port answers (`make dev` restarts one that stops answering).
    fn probe(&self) -> Probe;
}

/// A redis-server with the gateway in front of it: what the workers see as "Upstash".
pub struct Stack {
    pub redis: RedisServer,
    pub gateway: Gateway,
    /// The wrangler dev registry of this stack's workers: they find each other there, and nothing
    /// else (a running `make dev` included).
    registry: tempfile::TempDir,
    /// The workers' local state (rate limit counters): this stack's own.
    state: tempfile::TempDir,
}

impl Stack {
    /// Starts redis-server and the gateway on free ports, with a random token.
    pub fn start() -> std::io::Result<Self> {
        Self::start_delayed(0)
    }

    /// `start`, with every request to the gateway delayed `delay_ms` (0: none), as the distance
    /// to a hosted Upstash would (benchmarks: `dev-stack up --round-trip-delay-ms`).
    pub fn start_delayed(delay_ms: u64) -> std::io::Result<Self> {
        let redis = RedisServer::start()?;
        let gateway = if delay_ms == 0 {
            Gateway::start(&redis.url(), &random_token())?
        } else {
            Gateway::start_delayed(&redis.url(), &random_token(), delay_ms)?
        };
        let registry = tempfile::Builder::new().prefix("wrangler-registry-").tempdir()?;
        let state = tempfile::Builder::new().prefix("wrangler-state-").tempdir()?;
        Ok(Self {
            redis,
            gateway,
            registry,
            state,
        })
    }

    /// Starts the worker of `[env.<env>]` under `wrangler dev` on a free port, talking to this
    /// stack's gateway, with `vars` (secrets too: they never reach a command line) on top of
    /// wrangler.toml's. Its output goes to `target/test-logs/<env>-<port>.log`.
    pub fn worker(&self, env: &str, vars: &[(&str, &str)]) -> std::io::Result<Worker> {
        self.worker_with_config(env, vars, &[])
    }

    /// `worker`, with edits of its wrangler.toml (`WorkerOptions::config_edits`).
    pub fn worker_with_config(
        &self,
        env: &str,
        vars: &[(&str, &str)],
        config_edits: &[(&str, &str)],
    ) -> std::io::Result<Worker> {
        let mut all: Vec<(String, String)> = self.secrets().map(|(k, v)| (k.to_owned(), v)).to_vec();
        // Tests share two cores with builds and other stacks: a Redis call that waits its turn
        // for seconds is the machine, not a fault. The tests of the time budget set their own.
        all.push(("REDIS_TIMEOUT_MS".into(), "30000".into()));
        all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let logs = workspace_root().join("target/test-logs");
        std::fs::create_dir_all(&logs)?;
        // The port chosen here, to name the log after it; another one if it is taken meanwhile.
        ports::retry_on_taken_port(|port| {
            let log = logs.join(format!("{env}-{port}.log"));
            Worker::start(WorkerOptions {
                env,
                port: Some(port),
                vars: all.clone(),
                base_env_file: None,
                registry: self.registry.path(),
                log: Some(&log),
                config_edits,
                persist_to: self.state.path(),
            })
        })
    }
}

/// The var that opens the admin operations of a worker without `ADMIN_TOKEN` (what `make dev`
/// does when no token is given): a deployment never sets it, so it is closed unless configured.
pub const OPEN_ADMIN: (&str, &str) = ("ADMIN_AUTH", "open");

/// How the admin operations (product changes, the list of all orders, the operator's audit and dead
/// letters) of a [`Shop`] are guarded, on every worker (each checks its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admin<'a> {
    /// The tutorial's open shop, asked for explicitly ([`OPEN_ADMIN`]), as `make dev` runs it.
    Open,
    /// `ADMIN_TOKEN` set to this.
    Token(&'a str),
    /// Neither, as a deployment without its token: every admin operation is refused.
    Closed,
}

impl<'a> Admin<'a> {
    /// The vars of a worker that checks the admin token.
    pub fn vars(self) -> Vec<(&'static str, &'a str)> {
        match self {
            Self::Open => vec![OPEN_ADMIN],
            Self::Token(token) => vec![("ADMIN_TOKEN", token)],
            Self::Closed => Vec::new(),
        }
    }
}

/// What the README, the ready lines and `.dev/pids/` call the worker of `[env.<env>]`.
pub fn service_name(env: &str) -> String {
    match env {
        "consumer-cron" => env.to_owned(),
        _ => format!("{env}-worker"),
    }
}

/// The edits of wrangler.toml (`(line, replacement)`) that set every rate limit
/// (`simple = { limit = …, period = … }`) to `limit` writes per period: for benchmarks and
/// fuzzing from one address.
pub fn rate_limit_edits(config: &str, limit: u64) -> Vec<(String, String)> {
    config
        .lines()
        .filter_map(|line| {
            let (head, rest) = line.split_once("simple = { limit = ")?;
            let (_, tail) = rest.split_once(',')?;
            Some((
                line.to_owned(),
                format!("{head}simple = {{ limit = {limit},{tail}"),
            ))
        })
        .collect()
}

/// The three workers on one stack, as they run in production: service bindings between them
/// through this stack's dev registry.
pub struct Shop {
    pub stack: Stack,
    pub inventory: Worker,
    pub payment: Worker,
    pub consumer: Worker,
}

/// Vars for each worker of a [`Shop`], on top of wrangler.toml's (and of `admin`'s, which they
/// may override). No `Default`: a test says how its admin operations are guarded
/// (`..ShopVars::open()` for the tutorial's open shop).
#[derive(Debug, Clone, Copy)]
pub struct ShopVars<'a> {
    pub admin: Admin<'a>,
    pub inventory: &'a [(&'a str, &'a str)],
    pub payment: &'a [(&'a str, &'a str)],
    pub consumer: &'a [(&'a str, &'a str)],
}

impl<'a> ShopVars<'a> {
    /// The tutorial's open shop and no other var.
    pub fn open() -> Self {
        Self::guarded(Admin::Open)
    }

    /// Admin operations guarded as `admin` says, and no other var.
    pub fn guarded(admin: Admin<'a>) -> Self {
        Self {
            admin,
            inventory: &[],
            payment: &[],
            consumer: &[],
        }
    }

    /// These vars for the inventory worker too.
    pub fn with_inventory(self, inventory: &'a [(&'a str, &'a str)]) -> Self {
        Self { inventory, ..self }
    }

    /// These vars for the payment worker too.
    pub fn with_payment(self, payment: &'a [(&'a str, &'a str)]) -> Self {
        Self { payment, ..self }
    }

    /// The vars of the worker of `[env.<env>]`: the admin ones first (where it checks them).
    pub fn of(&self, env: &str) -> Vec<(&'a str, &'a str)> {
        let (admin, own) = match env {
            "inventory" => (self.admin.vars(), self.inventory),
            "payment" => (self.admin.vars(), self.payment),
            _ => (self.admin.vars(), self.consumer),
        };
        admin.into_iter().chain(own.iter().copied()).collect()
    }
}

impl Shop {
    pub fn start(vars: ShopVars<'_>) -> std::io::Result<Self> {
        Self::start_with(vars, &[])
    }

    /// `start`, with edits of every worker's wrangler.toml (`WorkerOptions::config_edits`).
    pub fn start_with(vars: ShopVars<'_>, config_edits: &[(&str, &str)]) -> std::io::Result<Self> {
        Self::start_with_delay(vars, config_edits, 0)
    }

    /// `start_with`, on a gateway that delays every request `delay_ms` (`Stack::start_delayed`).
    pub fn start_with_delay(
        vars: ShopVars<'_>,
        config_edits: &[(&str, &str)],
        delay_ms: u64,
    ) -> std::io::Result<Self> {
        let stack = Stack::start_delayed(delay_ms)?;
        let inventory = stack.worker_with_config("inventory", &vars.of("inventory"), config_edits)?;
        let consumer = stack.worker_with_config("consumer-cron", &vars.of("consumer-cron"), config_edits)?;
        let payment = stack.worker_with_config("payment", &vars.of("payment"), config_edits)?;
        Ok(Self {
            stack,
            inventory,
            payment,
            consumer,
        })
    }

    /// The shop of the calling test file, started on first use with `vars` and shared by its
    /// tests (stopped when the test process exits). Every call from a file must name the same
    /// vars: a test that needs others starts its own shop.
    #[track_caller]
    pub fn shared(vars: ShopVars<'_>) -> &'static Shop {
        let wanted = format!("{vars:?}");
        let (started_with, shop) =
            per_test_file(|| (wanted.clone(), Shop::start(vars).expect("the shop starts")));
        assert_eq!(*started_with, wanted, "one shared shop per test file");
        shop
    }

    /// Runs consumer-cron's scheduled handler now (`wrangler dev` never fires crons by itself)
    /// and returns when it has finished.
    pub async fn run_consumer(&self) {
        let url = format!("{}{}", self.consumer.url(), worker::SCHEDULED_PATH);
        let answer = http::request("GET", url).send().await;
        assert_eq!(answer.status, 200, "the scheduled handler runs: {}", answer.raw);
    }

    /// Replaces the consumer-cron worker with a new one with `vars` (a restart after a crash).
    /// The old one is stopped first, so that the dev registry names only the new one.
    pub fn restart_consumer(&mut self, vars: &[(&str, &str)]) -> std::io::Result<()> {
        self.consumer.stop();
        self.consumer = self.stack.worker("consumer-cron", vars)?;
        Ok(())
    }
}
