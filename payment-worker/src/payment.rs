//! The simulated payment processor, as in the tutorial: the order turns `completed`
//! `PAYMENT_DELAY_MS` after it was placed, in the background, without holding the response. The
//! order and its `order_completed` event change in one atomic script; then consumer-cron is nudged
//! so the stock follows within about a second. If this task dies (eviction, deploy), the scheduled
//! sweep completes the order later: nothing stays pending forever.

use std::time::Duration;

use domain::Id;
use worker::{Env, Method, Request, RequestInit};
use worker_http::config::{self, runtime};
use worker_http::Backend;

pub async fn process(env: Env, order: Id, delay_ms: u64) {
    worker::Delay::from(Duration::from_millis(delay_ms)).await;
    if config::fault(&env, "skip_payment_completion") {
        return;
    }
    let Ok(backend) = Backend::from_env(&env) else {
        return;
    };
    match backend.orders().complete(&[order], runtime::now_ms()).await {
        Ok(_) => nudge_consumer(&env).await,
        Err(e) => worker::console_error!("payment completion failed; the scheduled sweep will retry: {e}"),
    }
}

/// Asks consumer-cron (service binding `CONSUMER`) to process the streams now. Best effort: the
/// cron is the safety net.
async fn nudge_consumer(env: &Env) {
    let (Ok(consumer), Some(token)) = (env.service("CONSUMER"), config::nudge_token(env)) else {
        worker::console_error!("no CONSUMER service binding: the stock follows at the next cron run");
        return;
    };
    let mut init = RequestInit::new();
    init.with_method(Method::Post);
    let Ok(mut request) = Request::new_with_init("https://consumer-cron/run", &init) else {
        return;
    };
    if request
        .headers_mut()
        .and_then(|h| h.set("X-Consumer-Nudge", &token))
        .is_err()
    {
        return;
    }
    match consumer.fetch_request(request).await {
        Ok(res) if res.status_code() == 200 => {}
        Ok(res) => worker::console_error!("consumer-cron answered the nudge with {}", res.status_code()),
        Err(e) => worker::console_error!("consumer-cron unreachable: {e}"),
    }
}
