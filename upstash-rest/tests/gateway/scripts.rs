use upstash_rest::{scripts, Error, Value};

use crate::{send, start};

#[tokio::test]
async fn eval_and_eval_ro() {
    let (_stack, c) = start();
    let none: [&str; 0] = [];
    let script = "redis.call('SET', KEYS[1], ARGV[1]); return {ARGV[1], redis.call('INCR', KEYS[2])}";
    let v = c.run(scripts::eval(script, ["k", "n"], ["v1"])).await.unwrap();
    assert_eq!(v, Value::Array(vec![Value::from("v1"), Value::Int(1)]));
    assert_eq!(send(&c, &["GET", "k"]).await.unwrap(), Value::from("v1"));

    // EVAL_RO reads, and Redis refuses its writes.
    let read = c
        .run(scripts::eval_ro("return redis.call('GET', KEYS[1])", ["k"], none))
        .await;
    assert_eq!(read, Ok(Value::from("v1")));
    let write = c
        .run(scripts::eval_ro(
            "return redis.call('SET', KEYS[1], 'x')",
            ["k"],
            none,
        ))
        .await;
    assert!(matches!(write, Err(Error::Redis(_))), "{write:?}");
    assert_eq!(send(&c, &["GET", "k"]).await.unwrap(), Value::from("v1"));

    // Script errors are Redis errors; scripts returning nothing are Null.
    let boom = c
        .run(scripts::eval(
            "return redis.error_reply('MYERR boom')",
            none,
            none,
        ))
        .await;
    assert!(matches!(boom, Err(Error::Redis(m)) if m.contains("boom")));
    assert_eq!(
        c.run(scripts::eval("return nil", none, none)).await,
        Ok(Value::Null)
    );
}
