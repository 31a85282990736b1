//! What every handler talks to: the Upstash client and the key layout of this deployment, made
//! from the environment per request (a few strings, no connection to set up).

use store::consumer::Settings;
use store::{Audit, Consumer, DeadLetters, Inventory, Keys, Orders};
use upstash_rest::{Client, Command, Config, FetchTransport};
use worker::Env;

use crate::log::Scope;
use crate::settings::{Common, FromVars};
use crate::ApiError;

pub struct Backend {
    pub client: Client<FetchTransport>,
    pub keys: Keys,
}

impl Backend {
    /// The backend of a route: its round trips count toward the request's log line.
    pub fn of<D>(rc: &worker::RouteContext<crate::Scoped<D>>) -> Result<Self, ApiError> {
        Self::for_scope(&rc.env, &rc.data.scope)
    }

    /// From the worker's settings (the Upstash secrets, `REDIS_TIMEOUT_MS`, `KEY_PREFIX`),
    /// counting round trips into `scope`. Missing secrets are a 503 (the service is not usable
    /// yet), logged without their values.
    pub fn for_scope(env: &Env, scope: &Scope) -> Result<Self, ApiError> {
        let settings = Common::of(env)?;
        let not_configured =
            |why: &str| ApiError::unavailable("Redis is not configured for this service", why);
        let Some(redis) = &settings.redis else {
            return Err(not_configured(
                "UPSTASH_REDIS_REST_URL or UPSTASH_REDIS_REST_TOKEN is not set",
            ));
        };
        // One time budget per Redis call, retries included: a frozen Redis is a 503 within it.
        let config = Config::new(redis.url.clone(), redis.token.clone())
            .map_err(|_| not_configured("UPSTASH_REDIS_REST_URL is not an http(s) URL"))?
            .with_budget_ms(settings.redis_timeout_ms);
        Ok(Self {
            client: Client::fetch(config).with_round_trip_counter(scope.round_trips.clone()),
            keys: Keys::new(settings.key_prefix.clone()),
        })
    }

    pub fn inventory(&self) -> Inventory<'_, FetchTransport> {
        Inventory::new(&self.client, &self.keys)
    }

    pub fn orders(&self) -> Orders<'_, FetchTransport> {
        Orders::new(&self.client, &self.keys)
    }

    pub fn consumer(&self, settings: Settings) -> Consumer<'_, FetchTransport> {
        Consumer::new(&self.client, &self.keys, settings)
    }

    pub fn audit(&self) -> Audit<'_, FetchTransport> {
        Audit::new(&self.client, &self.keys)
    }

    pub fn dead_letters(&self) -> DeadLetters<'_, FetchTransport> {
        DeadLetters::new(&self.client, &self.keys)
    }

    /// Whether Redis answers right now (one round trip).
    pub async fn ping(&self) -> bool {
        self.client.send(&Command::new("PING")).await.is_ok()
    }
}
