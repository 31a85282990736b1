//! Limits on writes per client, with Cloudflare's Rate Limiting binding (`[[ratelimits]]` in
//! wrangler.toml): checked before anything else, so a request past the limit costs no Redis
//! command. Reads are never limited.

use worker::{Env, Request};

use crate::log::{Level, Scope};
use crate::ApiError;

/// Counts this request against the client's limit of `binding`; past it, a 429. The client is its
/// IP (`CF-Connecting-IP`, set by Cloudflare; all local clients share one). A missing or failing
/// limiter lets the request through (logged): the shop stays open.
pub async fn check(req: &Request, env: &Env, scope: &Scope, binding: &str) -> Result<(), ApiError> {
    let limiter = match env.rate_limiter(binding) {
        Ok(limiter) => limiter,
        Err(e) => return skipped(scope, format!("no {binding} rate limiter: {e}")),
    };
    let client = req
        .headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".into());
    match limiter.limit(client).await {
        Ok(outcome) if outcome.success => Ok(()),
        Ok(_) => Err(ApiError::RateLimited {
            retry_after_s: retry_after_s(crate::config::runtime::now_ms()),
        }),
        Err(e) => skipped(scope, format!("{binding} rate limiter failed: {e}")),
    }
}

/// A limiter that cannot answer lets the request through, with a warning saying why.
fn skipped(scope: &Scope, cause: String) -> Result<(), ApiError> {
    scope.event(
        "rate_limit_skipped",
        Level::Warn,
        &serde_json::json!({ "cause": cause }),
    );
    Ok(())
}

/// Seconds until the next minute starts: limits count in windows of the configured period (60 s)
/// and the local simulation aligns them to the clock, so a client waiting this long is counted
/// afresh there; on Cloudflare it is at most the period.
pub fn retry_after_s(now_ms: u64) -> u64 {
    60 - (now_ms / 1000) % 60
}
