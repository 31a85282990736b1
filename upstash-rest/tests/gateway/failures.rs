use std::time::{Duration, Instant};

use dev_stack::Stack;
use upstash_rest::{Client, Command, Config, Error, RetryPolicy, Value};

use crate::{client_for, send, start};

#[tokio::test]
async fn sync_token_changes_between_requests() {
    let (_stack, c) = start();
    assert_eq!(c.sync_token(), None);
    send(&c, &["SET", "k", "v"]).await.unwrap();
    let first = c.sync_token().expect("a sync token after the first response");
    assert!(!first.is_empty());
    send(&c, &["GET", "k"]).await.unwrap();
    let second = c.sync_token().unwrap();
    assert_ne!(first, second);
    c.pipeline([Command::new("GET").arg("k")]).await.unwrap();
    assert_ne!(c.sync_token().unwrap(), second);
}

#[tokio::test]
async fn bad_token_is_an_auth_error() {
    let (stack, _) = start();
    let c = client_for(&stack, "wrong-token-xyz");
    let err = send(&c, &["GET", "k"]).await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("wrong-token-xyz") && !text.contains(stack.gateway.token()),
        "{text}"
    );
    assert!(matches!(
        c.pipeline([Command::new("GET").arg("k")]).await,
        Err(Error::Auth(_))
    ));
}

#[tokio::test]
async fn redis_down_fails_fast_then_recovers() {
    let (mut stack, c) = start();
    send(&c, &["SET", "k", "v"]).await.unwrap();
    stack.redis.stop();

    let started = Instant::now();
    let err = send(&c, &["GET", "k"]).await.unwrap_err();
    assert!(
        matches!(err, Error::Unavailable { .. } | Error::Transport { .. }),
        "{err:?}"
    );
    let err = send(&c, &["INCR", "n"]).await.unwrap_err();
    assert!(
        matches!(err, Error::Unavailable { .. } | Error::Transport { .. }),
        "{err:?}"
    );
    // Well under the gateway's 10 s response timeout, also on a slow machine.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );

    stack.redis.resume().unwrap();
    // Data is gone (no persistence), but the gateway must serve again.
    let deadline = Instant::now() + dev_stack::http::CEILING;
    let recovered = loop {
        match send(&c, &["INCR", "n"]).await {
            Ok(v) => break v,
            Err(e) if Instant::now() < deadline => {
                eprintln!("not yet recovered: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("gateway did not recover after resume: {e:?}"),
        }
    };
    assert_eq!(recovered, Value::Int(1));
}

#[tokio::test]
async fn gateway_gone_is_a_not_sent_transport_error_and_is_retried() {
    let Stack { redis, gateway, .. } = Stack::start().unwrap();
    let config = Config::new(gateway.url(), gateway.token())
        .unwrap()
        .with_retry(RetryPolicy::with_retries(2));
    let c = Client::native(config).unwrap();
    drop(gateway);

    let started = Instant::now();
    let err = send(&c, &["INCR", "n"]).await.unwrap_err();
    let Error::Transport {
        maybe_sent: false,
        message,
    } = &err
    else {
        panic!("expected a not-sent transport error, got {err:?}")
    };
    assert!(message.contains("onnect"), "{message}");
    // Connection refused is safe to retry even for INCR: 50 + 136 ms of backoff happened.
    assert!(
        started.elapsed() >= Duration::from_millis(180),
        "{:?}",
        started.elapsed()
    );
    drop(redis);
}
