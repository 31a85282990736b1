//! What every handler talks to: the Upstash client and the key layout of this deployment, made
//! from the environment per request (a few strings, no connection to set up).

use std::ops::Deref;

use store::{Keys, Store};
use upstash_rest::{Client, Command, Config, FetchTransport};
use worker::Env;

use crate::log::Scope;
use crate::settings::{Common, FromVars};
use crate::ApiError;

/// The deployment's `Store` (its operations: `inventory()`, `orders()`…), made per request.
pub struct Backend(Store<FetchTransport>);

impl Deref for Backend {
    type Target = Store<FetchTransport>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
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
        let client = Client::fetch(config).with_round_trip_counter(scope.round_trips.clone());
        Ok(Self(Store::new(client, Keys::new(settings.key_prefix.clone()))))
    }

    /// Whether Redis answers right now (one round trip).
    pub async fn ping(&self) -> bool {
        self.client.send(&Command::new("PING")).await.is_ok()
    }
}
