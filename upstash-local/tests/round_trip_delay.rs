//! `--round-trip-delay-ms` (`UPSTASH_LOCAL_ROUND_TRIP_DELAY_MS`) makes the gateway stand as far
//! away as a hosted Upstash: every request, a pipeline as much as one command, waits that long
//! before it is served. Only the lower bound is asserted (a loaded machine can only add to it).

use std::time::{Duration, Instant};

use dev_stack::{random_token, Gateway, RedisServer};

#[tokio::test]
async fn every_request_waits_the_delay_before_it_is_served() {
    let redis = RedisServer::start().expect("redis-server");
    let token = random_token();
    let gateway = Gateway::start_delayed(&redis.url(), &token, 150).expect("the gateway");
    let client = reqwest::Client::new();
    for (path, body) in [
        ("/", r#"["PING"]"#),
        ("/pipeline", r#"[["PING"],["PING"],["PING"]]"#),
    ] {
        let started = Instant::now();
        let answer = client
            .post(format!("{}{path}", gateway.url()))
            .bearer_auth(&token)
            .body(body)
            .send()
            .await
            .expect("an answer");
        let waited = started.elapsed();
        assert_eq!(answer.status(), 200, "{path}");
        assert!(
            waited >= Duration::from_millis(150),
            "{path} answered after {waited:?}"
        );
    }
    let stats = gateway.stats().expect("the counters, undelayed");
    assert_eq!(stats.requests, 2);
}
