//! Every var and secret a worker reads, each declared once here (its name, where it is set, its
//! default and limits), and parsed once per isolate into one typed value per worker, in the shape
//! of zero-to-production's `Settings`: [`Common`] for what every worker reads, then [`Inventory`],
//! [`Payment`] and [`Consumer`]. An invalid value is an error naming the var at the first request
//! (a 500 whose cause the log line names), never a silent default. `tests/settings.rs` holds these
//! declarations against each `[env.X.vars]` of wrangler.toml, the table of docs/operations.md and
//! the secrets `make deploy` sets, so that a var added in one place and not the others fails.

use std::fmt;

use domain::FeeRate;

use crate::config::InternalRoute;
use crate::cors::Cors;
use crate::log::Level;
use crate::ApiError;

/// Where a setting's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A var in the worker's `[env.X.vars]` of wrangler.toml, written there with its default.
    Var,
    /// A secret, set by `make deploy` (`wrangler secret bulk`); never in wrangler.toml.
    Secret,
    /// Never in wrangler.toml nor deployed: a mode asked for explicitly, locally (`make dev`'s
    /// `ADMIN_AUTH=open`, the tests' `FAULTS`).
    Explicit,
}

impl Kind {
    /// As the configuration table of docs/operations.md writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Var => "var",
            Self::Secret => "secret",
            Self::Explicit => "explicit",
        }
    }
}

/// One setting: its name, kind, default (as wrangler.toml and the docs write it; empty when
/// unset means "none") and, for whole numbers, its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub name: &'static str,
    pub kind: Kind,
    pub default: &'static str,
    min: u64,
    max: u64,
}

/// A day in milliseconds: the ceiling of every duration setting.
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

impl Spec {
    const fn new(name: &'static str, kind: Kind, default: &'static str) -> Self {
        Self {
            name,
            kind,
            default,
            min: 0,
            max: u64::MAX,
        }
    }

    const fn var(name: &'static str, default: &'static str) -> Self {
        Self::new(name, Kind::Var, default)
    }

    /// A whole number from `min` to `max`.
    const fn whole(name: &'static str, default: &'static str, min: u64, max: u64) -> Self {
        Self {
            min,
            max,
            ..Self::var(name, default)
        }
    }

    const fn secret(name: &'static str) -> Self {
        Self::new(name, Kind::Secret, "")
    }

    const fn explicit(name: &'static str) -> Self {
        Self::new(name, Kind::Explicit, "")
    }

    /// The value set, trimmed, if it is not blank (a secret pasted with a trailing newline still
    /// works; a blank one means "not set").
    fn given<V: Vars + ?Sized>(&self, vars: &V) -> Option<String> {
        vars.get(self.name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The value set, or the default.
    fn text<V: Vars + ?Sized>(&self, vars: &V) -> String {
        self.given(vars).unwrap_or_else(|| self.default.to_owned())
    }

    /// The value parsed by `parse` (its error says why it is refused).
    fn parsed<T, V: Vars + ?Sized>(
        &self,
        vars: &V,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, Invalid> {
        let text = self.text(vars);
        parse(&text).map_err(|why| Invalid {
            name: self.name,
            // A secret's value never reaches a log.
            value: (self.kind != Kind::Secret).then_some(text),
            why,
        })
    }

    /// A whole number within the limits.
    fn whole_number<V: Vars + ?Sized>(&self, vars: &V) -> Result<u64, Invalid> {
        let (min, max) = (self.min, self.max);
        self.parsed(vars, |text| match text.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!("must be a whole number from {min} to {max}")),
        })
    }
}

// Every setting, once. The table of docs/operations.md says what each means.
pub const UPSTASH_REDIS_REST_URL: Spec = Spec::secret("UPSTASH_REDIS_REST_URL");
pub const UPSTASH_REDIS_REST_TOKEN: Spec = Spec::secret("UPSTASH_REDIS_REST_TOKEN");
pub const ADMIN_TOKEN: Spec = Spec::secret("ADMIN_TOKEN");
pub const ADMIN_AUTH: Spec = Spec::explicit("ADMIN_AUTH");
pub const ALLOWED_ORIGINS: Spec = Spec::var("ALLOWED_ORIGINS", "http://localhost:3000");
pub const KEY_PREFIX: Spec = Spec::var("KEY_PREFIX", store::schema::DEFAULT_PREFIX);
pub const REDIS_TIMEOUT_MS: Spec = Spec::whole("REDIS_TIMEOUT_MS", "3000", 1, 30_000);
pub const LOG_LEVEL: Spec = Spec::var("LOG_LEVEL", "info");
pub const FAULTS: Spec = Spec::explicit("FAULTS");
pub const FEE_RATE: Spec = Spec::var("FEE_RATE", "0.2");
pub const PAYMENT_DELAY_MS: Spec = Spec::whole("PAYMENT_DELAY_MS", "5000", 0, 600_000);
pub const PAYMENT_GRACE_MS: Spec = Spec::whole("PAYMENT_GRACE_MS", "30000", 0, DAY_MS);
pub const RECLAIM_IDLE_MS: Spec = Spec::whole("RECLAIM_IDLE_MS", "60000", 0, DAY_MS);
// A run that dies leaves up to two batches pending per stream; Upstash refuses reads past 1000
// pending entries per consumer, so batches stay well below.
pub const BATCH_SIZE: Spec = Spec::whole("BATCH_SIZE", "100", 1, 200);
pub const CONSUMER_STALE_MS: Spec = Spec::whole("CONSUMER_STALE_MS", "180000", 1, DAY_MS);
pub const CONSUMER_LAG_ALERT_MS: Spec = Spec::whole("CONSUMER_LAG_ALERT_MS", "60000", 1, DAY_MS);

/// A refused value: which var, what it was (never for a secret), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub name: &'static str,
    value: Option<String>,
    why: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => write!(f, "invalid setting {}={value:?}: {}", self.name, self.why),
            None => write!(f, "invalid setting {}: {}", self.name, self.why),
        }
    }
}

impl From<Invalid> for ApiError {
    /// A deployment that cannot run as configured: our fault, a 500 whose cause names the var.
    fn from(e: Invalid) -> Self {
        ApiError::Internal(e.to_string())
    }
}

/// Where settings are read from: the worker's `Env` (a secret, else a var of that name), or a
/// map in tests.
pub trait Vars {
    fn get(&self, name: &str) -> Option<String>;
}

impl Vars for [(&str, &str)] {
    fn get(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

impl<const N: usize> Vars for [(&str, &str); N] {
    fn get(&self, name: &str) -> Option<String> {
        Vars::get(self.as_slice(), name)
    }
}

#[cfg(target_arch = "wasm32")]
impl Vars for worker::Env {
    fn get(&self, name: &str) -> Option<String> {
        self.secret(name)
            .map(|s| s.to_string())
            .or_else(|_| self.var(name).map(|v| v.to_string()))
            .ok()
    }
}

/// Settings parsed from `vars`: [`Common`], and each worker's own.
pub trait FromVars: Sized + Clone + 'static {
    fn parse<V: Vars + ?Sized>(vars: &V) -> Result<Self, Invalid>;

    /// These settings, parsed at the first request of the isolate (vars and secrets do not
    /// change during an isolate's life: a new value is a new deployment, new isolates).
    #[cfg(target_arch = "wasm32")]
    fn of(env: &worker::Env) -> Result<std::rc::Rc<Self>, ApiError> {
        cached(env)
    }
}

/// One worker's own settings: what it reads besides [`Common`].
pub trait Settings: FromVars {
    /// Its `[env.X]` section of wrangler.toml.
    const ENV: &'static str;
    /// The settings it reads besides `Common::SPECS`.
    const SPECS: &'static [Spec];
}

/// Every setting a worker reads: `Common`'s, then its own.
pub fn specs_of<S: Settings>() -> Vec<Spec> {
    Common::SPECS.iter().chain(S::SPECS).copied().collect()
}

/// Who may change products, list every order and run the operator's routes: `ADMIN_TOKEN` when
/// it is set; else nobody (every
/// admin operation answers 503 `admin_not_configured`), unless `ADMIN_AUTH=open` asks for the
/// tutorial's open shop (`make dev` without a token; never in wrangler.toml).
#[derive(Clone, PartialEq, Eq)]
pub enum Admin {
    Token(String),
    Open,
    Closed,
}

impl fmt::Debug for Admin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Token(_) => "Token(<redacted>)",
            Self::Open => "Open",
            Self::Closed => "Closed",
        })
    }
}

impl Admin {
    fn parse<V: Vars + ?Sized>(vars: &V) -> Result<Self, Invalid> {
        // The token, when set, always guards: `ADMIN_AUTH=open` only opens a shop without one.
        if let Some(token) = ADMIN_TOKEN.given(vars) {
            return Ok(Self::Token(token));
        }
        ADMIN_AUTH.parsed(vars, |text| match text {
            "" => Ok(Self::Closed),
            "open" => Ok(Self::Open),
            _ => Err("the only value is `open` (leave it unset to require ADMIN_TOKEN)".into()),
        })
    }

    /// Whether the OpenAPI document marks admin operations as needing the token.
    pub fn required(&self) -> bool {
        !matches!(self, Self::Open)
    }
}

/// The test-only fault switches (`FAULTS`, comma-separated; never set in a deployment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// payment: answer 503 after reserving, before storing the order.
    CrashAfterReserve,
    /// payment: the background payment never completes the order.
    SkipPaymentCompletion,
    /// consumer-cron: its run script fails right after reading a batch.
    CrashAfterRead,
    /// any worker: a request with `X-Test-Fault: panic` panics in its handler.
    Panic,
}

impl Fault {
    const ALL: [Fault; 4] = [
        Self::CrashAfterReserve,
        Self::SkipPaymentCompletion,
        Self::CrashAfterRead,
        Self::Panic,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::CrashAfterReserve => "crash_after_reserve",
            Self::SkipPaymentCompletion => "skip_payment_completion",
            Self::CrashAfterRead => "crash_after_read",
            Self::Panic => "panic",
        }
    }
}

/// The faults switched on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults(Vec<Fault>);

impl Faults {
    fn parse(text: &str) -> Result<Self, String> {
        let names = text.split(',').map(str::trim).filter(|n| !n.is_empty());
        names
            .map(|name| {
                Fault::ALL.into_iter().find(|f| f.name() == name).ok_or_else(|| {
                    let known: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                    format!("no fault {name:?} (known: {})", known.join(", "))
                })
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn has(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
    }
}

/// The Upstash database of this deployment (both secrets set).
#[derive(Clone, PartialEq, Eq)]
pub struct RedisAccess {
    pub url: String,
    pub token: String,
}

impl fmt::Debug for RedisAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedisAccess({}, <redacted>)", self.url)
    }
}

/// What every worker reads.
#[derive(Debug, Clone)]
pub struct Common {
    /// `None` until both Upstash secrets are set: what needs Redis is then a 503 (the service is
    /// not usable yet), the rest still answers.
    pub redis: Option<RedisAccess>,
    /// Every Redis call, retries included, answers within this or the request is a 503.
    pub redis_timeout_ms: u64,
    pub key_prefix: String,
    pub allowed_origins: Cors,
    pub log_level: Level,
    pub faults: Faults,
}

impl Common {
    pub const SPECS: &'static [Spec] = &[
        UPSTASH_REDIS_REST_URL,
        UPSTASH_REDIS_REST_TOKEN,
        ALLOWED_ORIGINS,
        KEY_PREFIX,
        REDIS_TIMEOUT_MS,
        LOG_LEVEL,
        FAULTS,
    ];
}

impl FromVars for Common {
    fn parse<V: Vars + ?Sized>(vars: &V) -> Result<Self, Invalid> {
        let redis = match (
            UPSTASH_REDIS_REST_URL.given(vars),
            UPSTASH_REDIS_REST_TOKEN.given(vars),
        ) {
            (Some(url), Some(token)) => Some(RedisAccess { url, token }),
            _ => None,
        };
        Ok(Self {
            redis,
            redis_timeout_ms: REDIS_TIMEOUT_MS.whole_number(vars)?,
            key_prefix: KEY_PREFIX.text(vars),
            allowed_origins: Cors::parse(&ALLOWED_ORIGINS.text(vars)),
            log_level: LOG_LEVEL.parsed(vars, parse_level)?,
            faults: FAULTS.parsed(vars, Faults::parse)?,
        })
    }
}

impl Common {
    /// The proof that a request to an internal `route` comes from our own workers (sent in
    /// `auth::INTERNAL_TOKEN_HEADER`): derived for that route from the Redis token the workers
    /// share (whoever knows that token can change the data anyway), so it needs no secret of its
    /// own and the Redis token itself never travels in a header. `None` without the token.
    pub fn internal_token(&self, route: InternalRoute) -> Option<String> {
        Some(route.token_from(&self.redis.as_ref()?.token))
    }
}

/// `LOG_LEVEL`: `debug`, `info`, `warn` (or `warning`), `error`.
fn parse_level(text: &str) -> Result<Level, String> {
    match text.to_ascii_lowercase().as_str() {
        "debug" => Ok(Level::Debug),
        "info" => Ok(Level::Info),
        "warn" | "warning" => Ok(Level::Warn),
        "error" => Ok(Level::Error),
        _ => Err("must be debug, info, warn or error".into()),
    }
}

/// inventory-worker's own settings.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub admin: Admin,
}

impl Settings for Inventory {
    const ENV: &'static str = "inventory";
    const SPECS: &'static [Spec] = &[ADMIN_TOKEN, ADMIN_AUTH];
}

impl FromVars for Inventory {
    fn parse<V: Vars + ?Sized>(vars: &V) -> Result<Self, Invalid> {
        Ok(Self {
            admin: Admin::parse(vars)?,
        })
    }
}

/// payment-worker's own settings.
#[derive(Debug, Clone)]
pub struct Payment {
    pub admin: Admin,
    /// The payment fee, as a fraction of the unit price.
    pub fee_rate: FeeRate,
    /// The simulated payment completes this long after the order is placed.
    pub payment_delay_ms: u64,
}

impl Settings for Payment {
    const ENV: &'static str = "payment";
    const SPECS: &'static [Spec] = &[ADMIN_TOKEN, ADMIN_AUTH, FEE_RATE, PAYMENT_DELAY_MS];
}

impl FromVars for Payment {
    fn parse<V: Vars + ?Sized>(vars: &V) -> Result<Self, Invalid> {
        Ok(Self {
            admin: Admin::parse(vars)?,
            fee_rate: FEE_RATE.parsed(vars, FeeRate::parse)?,
            payment_delay_ms: PAYMENT_DELAY_MS.whole_number(vars)?,
        })
    }
}

/// consumer-cron's own settings.
#[derive(Debug, Clone)]
pub struct Consumer {
    /// Who may run the operator's routes (the books audit, the dead letters).
    pub admin: Admin,
    /// Events read (and reclaimed) per stream and batch.
    pub batch_size: u64,
    /// An event pending this long was left by a run that died: reclaim and retry it.
    pub reclaim_idle_ms: u64,
    /// The lost-payment sweep completes an order still pending this long after its due time (each
    /// pending order carries its own, so the payment's delay is the payment worker's alone).
    pub payment_grace_ms: u64,
    /// `/health` says `degraded` when the last run is older than this...
    pub stale_ms: u64,
    /// ... or when an event has waited longer than this.
    pub lag_alert_ms: u64,
}

impl Settings for Consumer {
    const ENV: &'static str = "consumer-cron";
    const SPECS: &'static [Spec] = &[
        ADMIN_TOKEN,
        ADMIN_AUTH,
        PAYMENT_GRACE_MS,
        RECLAIM_IDLE_MS,
        BATCH_SIZE,
        CONSUMER_STALE_MS,
        CONSUMER_LAG_ALERT_MS,
    ];
}

impl FromVars for Consumer {
    fn parse<V: Vars + ?Sized>(vars: &V) -> Result<Self, Invalid> {
        Ok(Self {
            admin: Admin::parse(vars)?,
            batch_size: BATCH_SIZE.whole_number(vars)?,
            reclaim_idle_ms: RECLAIM_IDLE_MS.whole_number(vars)?,
            payment_grace_ms: PAYMENT_GRACE_MS.whole_number(vars)?,
            stale_ms: CONSUMER_STALE_MS.whole_number(vars)?,
            lag_alert_ms: CONSUMER_LAG_ALERT_MS.whole_number(vars)?,
        })
    }
}

impl Consumer {
    /// The consumer script's settings.
    pub fn store_settings(&self) -> store::consumer::Settings {
        store::consumer::Settings {
            batch_size: self.batch_size,
            reclaim_idle_ms: self.reclaim_idle_ms,
            payment_grace_ms: self.payment_grace_ms,
            ..store::consumer::Settings::default()
        }
    }
}

/// The settings of type `S` of this isolate, parsed once: the first call parses them (an
/// invalid value is then the answer of every call), later ones share them.
#[cfg(target_arch = "wasm32")]
fn cached<S: FromVars>(env: &worker::Env) -> Result<std::rc::Rc<S>, ApiError> {
    use std::any::Any;
    use std::cell::RefCell;
    use std::rc::Rc;

    type Parsed = Rc<dyn Any>;
    thread_local! {
        /// One `Result<Rc<S>, Invalid>` per settings type read in this isolate.
        static PARSED: RefCell<Vec<Parsed>> = const { RefCell::new(Vec::new()) };
    }
    let found = PARSED.with_borrow(|all| {
        all.iter()
            .find_map(|p| p.downcast_ref::<Result<Rc<S>, Invalid>>().cloned())
    });
    let result = found.unwrap_or_else(|| {
        let parsed = S::parse(env).map(Rc::new);
        PARSED.with_borrow_mut(|all| all.push(Rc::new(parsed.clone())));
        parsed
    });
    result.map_err(ApiError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_specs() -> Vec<Spec> {
        [
            specs_of::<Inventory>(),
            specs_of::<Payment>(),
            specs_of::<Consumer>(),
        ]
        .concat()
    }

    #[test]
    fn every_default_is_valid() {
        let none: &[(&str, &str)] = &[];
        Common::parse(none).unwrap();
        Inventory::parse(none).unwrap();
        let payment = Payment::parse(none).unwrap();
        assert_eq!(payment.fee_rate, FeeRate::TUTORIAL);
        assert_eq!(payment.payment_delay_ms, domain::order::DEFAULT_PAYMENT_DELAY_MS);
        let consumer = Consumer::parse(none).unwrap();
        assert_eq!(consumer.payment_grace_ms, domain::order::DEFAULT_PAYMENT_GRACE_MS);
        for spec in all_specs() {
            if spec.kind == Kind::Var {
                assert!(!spec.default.is_empty(), "{} has a default", spec.name);
            } else {
                assert_eq!(spec.default, "", "{} is unset unless given", spec.name);
            }
        }
    }

    #[test]
    fn invalid_values_name_the_var_and_never_show_a_secret() {
        let bad = |vars: &[(&str, &str)]| Payment::parse(vars).map(|_| ()).unwrap_err().to_string();
        assert!(bad(&[("FEE_RATE", "a lot")]).contains("FEE_RATE"));
        let delay = bad(&[("PAYMENT_DELAY_MS", "-5")]);
        assert!(
            delay.starts_with("invalid setting PAYMENT_DELAY_MS=\"-5\""),
            "{delay}"
        );
        assert!(delay.contains("from 0 to 600000"), "{delay}");
        assert!(bad(&[("ADMIN_AUTH", "yes")]).contains("ADMIN_AUTH"));
        let level = Common::parse(&[("LOG_LEVEL", "loud")]).unwrap_err();
        assert_eq!(level.name, "LOG_LEVEL");
        let faults = Common::parse(&[("FAULTS", "panic,typo")])
            .unwrap_err()
            .to_string();
        assert!(faults.contains("typo") && faults.contains("known: "), "{faults}");
        let batch = Consumer::parse(&[("BATCH_SIZE", "500")]).unwrap_err();
        assert_eq!(batch.name, "BATCH_SIZE");
        let secret = Invalid {
            name: "X",
            value: None,
            why: "no".into(),
        };
        assert_eq!(secret.to_string(), "invalid setting X: no");
    }

    #[test]
    fn admin_is_closed_unless_a_token_or_open_is_given() {
        let admin = |vars: &[(&str, &str)]| Inventory::parse(vars).unwrap().admin;
        assert_eq!(admin(&[]), Admin::Closed);
        assert_eq!(admin(&[("ADMIN_TOKEN", "  ")]), Admin::Closed, "blank is unset");
        assert_eq!(admin(&[("ADMIN_AUTH", "open")]), Admin::Open);
        assert_eq!(
            admin(&[("ADMIN_TOKEN", "s3cret\n")]),
            Admin::Token("s3cret".into())
        );
        assert_eq!(
            admin(&[("ADMIN_TOKEN", "s3cret"), ("ADMIN_AUTH", "open")]),
            Admin::Token("s3cret".into()),
            "a token always guards"
        );
        assert!(!format!("{:?}", admin(&[("ADMIN_TOKEN", "s3cret")])).contains("s3cret"));
        assert!(Admin::Closed.required() && !Admin::Open.required());
    }

    #[test]
    fn faults_and_redis_access() {
        let common = Common::parse(&[("FAULTS", " panic , crash_after_read")]).unwrap();
        assert!(common.faults.has(Fault::Panic) && common.faults.has(Fault::CrashAfterRead));
        assert!(!common.faults.has(Fault::CrashAfterReserve));
        let run = InternalRoute::ConsumerRun;
        assert!(common.redis.is_none() && common.internal_token(run).is_none());
        let vars = [
            ("UPSTASH_REDIS_REST_URL", "http://x"),
            ("UPSTASH_REDIS_REST_TOKEN", "t0k"),
        ];
        let common = Common::parse(&vars).unwrap();
        let nudge = common.internal_token(run).unwrap();
        assert_eq!(
            nudge,
            run.token_from("t0k"),
            "the route's token, from the Redis token"
        );
        assert!(!nudge.contains("t0k") && !format!("{common:?}").contains("t0k"));
    }
}
