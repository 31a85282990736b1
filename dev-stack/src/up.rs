//! `dev-stack up`: the one way a test harness, bench or fuzz run in any language (Rust's use the
//! library directly) starts the stack it needs. It starts a profile on free ports, prints one JSON
//! line with every URL, port, process id and the gateway's token (stdout is the caller's private
//! pipe, never a command line), then waits; it stops everything when its stdin closes (so also
//! when the caller dies), on SIGTERM and on Ctrl-C.
//!
//! Lines on stdin are commands, each answered by one JSON line on stdout:
//! - `stop redis-server`: kills it outright (as a crash would); `{"stopped": "redis-server"}`;
//! - `start redis-server`: starts it again on the same port; `{"started": "redis-server", "pid": N}`;
//! - anything else: `{"error": "…"}`.
//!
//! Unlike `make dev`, nothing is restarted by itself: a test that kills a part wants it down.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use dev_stack::{
    die_with_parent, free_port, rate_limit_edits, run_scheduled_at, service_name, start_frontend,
    workspace_root, Admin, DashboardApis, RedisServer, Service, Shop, ShopVars, Stack, Worker, WorkerdShop,
};
use serde_json::{json, Map, Value};

/// What `dev-stack up` starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// redis-server alone.
    Redis,
    /// redis-server and the upstash-local gateway in front of it (the `@upstash/redis` suite).
    Gateway,
    /// The gateway's stack and the three workers under `wrangler dev` (contract fuzzing, benches,
    /// the browser tests).
    Shop,
    /// The gateway's stack and the three workers on bare `workerd`, built and configured as
    /// `make deploy` would deploy them (its dry run; the benches' closer picture of the workers'
    /// own cost). No rate limit limits, and nothing fires the cron: the payment worker's nudges
    /// run the consumer.
    Workerd,
}

#[derive(clap::Args, Debug)]
pub struct Up {
    /// What to start.
    #[arg(long, value_enum)]
    profile: Profile,
    /// A var for every worker, on top of wrangler.toml's (repeatable), e.g. `--var FEE_RATE=0.25`.
    /// Not for secrets: every user of the machine can read a command line.
    #[arg(long = "var", value_name = "NAME=value", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Give the workers the `ADMIN_TOKEN` of this process's environment (which only its user can
    /// read); without it, wrangler.toml's vars decide.
    #[arg(long)]
    admin_token_from_env: bool,
    /// Set every rate limit of wrangler.toml to this many writes per period (fuzzing and
    /// benchmarks send thousands a minute from one address).
    #[arg(long, value_name = "N")]
    rate_limit: Option<u64>,
    /// Run consumer-cron's scheduled handler every this many seconds, as `make dev` does
    /// (`wrangler dev` never fires crons); 0: never (only the payment worker's nudges). The shop
    /// profile's default is 5; bare workerd has no way to fire it.
    #[arg(long, value_name = "SECONDS")]
    consumer_every: Option<u64>,
    /// Delay every request to the gateway this long: the distance to a hosted Upstash (a few ms
    /// from a Cloudflare location in its region), so that each round trip a request makes shows.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    round_trip_delay_ms: u64,
    /// Reserve a free port for a site the caller serves itself (the browser tests' built
    /// dashboard): the workers' CORS allows it; printed as `site_port`.
    #[arg(long)]
    site_port: bool,
    /// Reserve this many more free ports for processes the caller starts itself next to the stack
    /// (held, like the stack's own, until it stops); printed as `spare_ports`.
    #[arg(long, value_name = "N", default_value_t = 0)]
    spare_ports: usize,
    /// Also serve the dashboard (Vite's dev server, as `make dev` does) on a free port.
    #[arg(long)]
    frontend: bool,
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not NAME=value"))?;
    Ok((name.to_owned(), value.to_owned()))
}

/// What the loop hears: a line on stdin, its end, or a signal.
enum Heard {
    Line(String),
    Stop,
}

/// What was started, kept alive until the end.
enum Started {
    Redis(RedisServer),
    Gateway(Stack),
    Shop(Box<Shop>),
    Workerd(Box<(Stack, WorkerdShop)>),
}

impl Started {
    fn redis(&mut self) -> &mut RedisServer {
        match self {
            Started::Redis(redis) => redis,
            Started::Gateway(stack) => &mut stack.redis,
            Started::Shop(shop) => &mut shop.stack.redis,
            Started::Workerd(both) => &mut both.0.redis,
        }
    }
}

pub fn run(up: Up) -> Result<(), String> {
    die_with_parent();
    let (heard_tx, heard) = mpsc::channel();
    let on_signal = heard_tx.clone();
    ctrlc::set_handler(move || {
        // A start in progress gives up waiting for its service.
        dev_stack::interrupt();
        let _ = on_signal.send(Heard::Stop);
    })
    .map_err(|e| format!("cannot handle signals: {e}"))?;
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            let _ = heard_tx.send(Heard::Line(line));
        }
        let _ = heard_tx.send(Heard::Stop);
    });

    let mut ready = Map::new();
    ready.insert(
        "profile".into(),
        json!(format!("{:?}", up.profile).to_lowercase()),
    );
    let mut services = Map::new();
    let (mut started, frontend) = start(&up, &mut ready, &mut services)?;
    ready.insert("services".into(), Value::Object(services));
    say(&Value::Object(ready));

    let every = up.consumer_every.unwrap_or(5);
    let consumer = match &started {
        Started::Shop(shop) if every > 0 => Some(shop.consumer.port()),
        _ => None,
    };
    let every = Duration::from_secs(every.max(1));
    let mut next_run = Instant::now() + every;
    loop {
        let wait = next_run.saturating_duration_since(Instant::now());
        match heard.recv_timeout(wait) {
            Ok(Heard::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Ok(Heard::Line(line)) => say(&command(&mut started, line.trim())),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                next_run = Instant::now() + every;
                if let Some(port) = consumer {
                    if let Err(e) = run_scheduled_at(port) {
                        eprintln!("dev-stack up: consumer-cron: {e}");
                    }
                }
            }
        }
    }
    drop(frontend);
    drop(started);
    Ok(())
}

/// An error of starting `what`, as the caller sees it.
fn failed(what: &'static str) -> impl Fn(std::io::Error) -> String {
    move |e| format!("{what}: {e}")
}

/// Starts the profile; fills in the ready line.
fn start(
    up: &Up,
    ready: &mut Map<String, Value>,
    services: &mut Map<String, Value>,
) -> Result<(Started, Option<Box<dyn Service>>), String> {
    let add_redis = |services: &mut Map<String, Value>, redis: &RedisServer| {
        services.insert(
            "redis-server".into(),
            json!({"url": redis.url(), "port": redis.port(), "pid": redis.pid()}),
        );
    };
    if up.profile == Profile::Workerd && up.consumer_every.is_some_and(|every| every > 0) {
        return Err("--consumer-every: bare workerd cannot fire a cron (use --profile shop)".into());
    }
    if up.profile == Profile::Redis {
        let redis = RedisServer::start().map_err(failed("redis-server"))?;
        add_redis(services, &redis);
        return Ok((Started::Redis(redis), None));
    }
    // Known before the workers start: their CORS must allow the site's origin.
    let site_port = up.site_port.then(free_port);
    let frontend_port = up.frontend.then(free_port);
    let stack =
        || Stack::start_delayed(up.round_trip_delay_ms).map_err(failed("redis-server and the gateway"));
    let stack_or_shop = if up.profile == Profile::Gateway {
        Started::Gateway(stack()?)
    } else {
        let mut vars = up.vars.clone();
        let origins: Vec<String> = site_port
            .iter()
            .chain(&frontend_port)
            .flat_map(|port| {
                [
                    format!("http://localhost:{port}"),
                    format!("http://127.0.0.1:{port}"),
                ]
            })
            .collect();
        if !origins.is_empty() {
            vars.push(("ALLOWED_ORIGINS".into(), origins.join(",")));
        }
        let token = if up.admin_token_from_env {
            let token = std::env::var("ADMIN_TOKEN").unwrap_or_default();
            if token.is_empty() {
                return Err("--admin-token-from-env: ADMIN_TOKEN is not set".into());
            }
            Some(token)
        } else {
            None
        };
        // A local stack, as `make dev` runs it: the admin routes open unless a token is given.
        let admin = token.as_deref().map_or(Admin::Open, Admin::Token);
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let edits = match up.rate_limit {
            // Bare workerd's stand-in never limits.
            Some(limit) if up.profile == Profile::Shop => {
                let config = std::fs::read_to_string(workspace_root().join("wrangler.toml"))
                    .map_err(failed("wrangler.toml"))?;
                rate_limit_edits(&config, limit)
            }
            _ => Vec::new(),
        };
        let edits: Vec<(&str, &str)> = edits.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let all = ShopVars {
            admin,
            inventory: &vars,
            payment: &vars,
            consumer: &vars,
        };
        if up.profile == Profile::Workerd {
            let stack = stack()?;
            let shop = WorkerdShop::start(&stack, all).map_err(failed("the workers on workerd"))?;
            Started::Workerd(Box::new((stack, shop)))
        } else {
            Started::Shop(Box::new(
                Shop::start_with_delay(all, &edits, up.round_trip_delay_ms).map_err(failed("the shop"))?,
            ))
        }
    };
    let stack = match &stack_or_shop {
        Started::Gateway(stack) => stack,
        Started::Shop(shop) => &shop.stack,
        Started::Workerd(both) => &both.0,
        Started::Redis(_) => unreachable!("returned above"),
    };
    add_redis(services, &stack.redis);
    let gateway = &stack.gateway;
    services.insert(
        "upstash-local".into(),
        json!({"url": gateway.url(), "port": gateway.port(), "pid": gateway.pid()}),
    );
    ready.insert("token".into(), json!(gateway.token()));
    // The workers' URLs, for the dashboard.
    let mut apis = None;
    match &stack_or_shop {
        Started::Shop(shop) => {
            for worker in [&shop.inventory, &shop.payment, &shop.consumer] {
                services.insert(service_name(worker.env()), worker_json(worker));
            }
            apis = Some(DashboardApis {
                inventory: shop.inventory.url(),
                payment: shop.payment.url(),
                consumer: shop.consumer.url(),
            });
        }
        Started::Workerd(both) => {
            let shop = &both.1;
            for env in ["inventory", "payment", "consumer-cron"] {
                services.insert(
                    service_name(env),
                    json!({"url": shop.url(env), "port": shop.port(env), "pid": shop.pid(), "log": shop.log_path()}),
                );
            }
            apis = Some(DashboardApis {
                inventory: shop.url("inventory"),
                payment: shop.url("payment"),
                consumer: shop.url("consumer-cron"),
            });
        }
        _ => {}
    }
    if let Some(port) = site_port {
        ready.insert("site_port".into(), json!(port));
    }
    if up.spare_ports > 0 {
        let spare: Vec<u16> = (0..up.spare_ports).map(|_| free_port()).collect();
        ready.insert("spare_ports".into(), json!(spare));
    }
    let frontend = match (frontend_port, apis) {
        (Some(port), Some(apis)) => {
            let log = workspace_root().join(format!("target/test-logs/frontend-{port}.log"));
            // Its port was reserved above for the workers' CORS: a taken one is an error here.
            let frontend = start_frontend(port, apis, &log).map_err(failed("the frontend"))?;
            services.insert(
                "frontend".into(),
                json!({"url": format!("http://localhost:{port}"), "port": port, "pid": frontend.pid(), "log": log}),
            );
            Some(Box::new(frontend) as Box<dyn Service>)
        }
        (Some(_), None) => return Err("--frontend needs the workers (--profile shop or workerd)".into()),
        (None, _) => None,
    };
    Ok((stack_or_shop, frontend))
}

fn worker_json(worker: &Worker) -> Value {
    json!({
        "url": worker.url(),
        "port": worker.port(),
        "pid": worker.pid(),
        "log": worker.log_path().map(Path::to_path_buf),
    })
}

/// Runs one line of stdin; its answer.
fn command(started: &mut Started, line: &str) -> Value {
    match line.split_whitespace().collect::<Vec<_>>()[..] {
        ["stop", "redis-server"] => {
            started.redis().stop();
            json!({"stopped": "redis-server"})
        }
        ["start", "redis-server"] => match started.redis().resume() {
            Ok(()) => json!({"started": "redis-server", "pid": started.redis().pid()}),
            Err(e) => json!({"error": format!("redis-server: {e}")}),
        },
        [] => json!({"error": "an empty command"}),
        _ => {
            json!({"error": format!("unknown command {line:?}: `stop redis-server` or `start redis-server`")})
        }
    }
}

/// One JSON line on stdout, flushed: the caller waits for it.
fn say(value: &Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}
