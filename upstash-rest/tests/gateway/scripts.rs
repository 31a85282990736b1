use upstash_rest::{Error, Script, Value};

use crate::start;

#[tokio::test]
async fn eval_evalsha_and_noscript_fallback() {
    let (_stack, c) = start();
    let script =
        Script::new("redis.call('SET', KEYS[1], ARGV[1]); return {ARGV[1], redis.call('INCR', KEYS[2])}");
    let none: [&str; 0] = [];

    let v = c.eval(script.source(), ["k", "n"], ["v1"]).await.unwrap();
    assert_eq!(v, Value::Array(vec![Value::from("v1"), Value::Int(1)]));
    assert_eq!(
        c.script_load(script.source()).await.unwrap(),
        script.sha1(),
        "local SHA1 matches Redis"
    );
    assert_eq!(
        c.script_exists([script.sha1(), "0000000000000000000000000000000000000000"])
            .await
            .unwrap(),
        [true, false]
    );
    let v = c.evalsha(script.sha1(), ["k", "n"], ["v2"]).await.unwrap();
    assert_eq!(v, Value::Array(vec![Value::from("v2"), Value::Int(2)]));

    c.script_flush().await.unwrap();
    let err = c.evalsha(script.sha1(), ["k", "n"], ["v3"]).await.unwrap_err();
    assert!(err.is_redis_code("NOSCRIPT"), "{err:?}");
    // The failed EVALSHA did not run; run_script falls back to EVAL exactly once.
    let v = c.run_script(&script, ["k", "n"], ["v4"]).await.unwrap();
    assert_eq!(v, Value::Array(vec![Value::from("v4"), Value::Int(3)]));
    assert_eq!(c.script_exists([script.sha1()]).await.unwrap(), [true]);
    let v = c.run_script(&script, ["k", "n"], ["v5"]).await.unwrap();
    assert_eq!(v, Value::Array(vec![Value::from("v5"), Value::Int(4)]));
    assert_eq!(c.get_string("k").await.unwrap().as_deref(), Some("v5"));

    // Script errors are Redis errors; scripts returning nothing are Null.
    assert!(
        matches!(c.eval("return redis.error_reply('MYERR boom')", none, none).await, Err(Error::Redis(m)) if m.contains("boom"))
    );
    assert_eq!(c.eval("return nil", none, none).await, Ok(Value::Null));
}
