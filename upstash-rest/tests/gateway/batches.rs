use upstash_rest::strings::{self, SetOptions};
use upstash_rest::{hashes, Command, Error, Value};

use crate::start;

#[tokio::test]
async fn pipeline_with_an_error_entry() {
    let (_stack, c) = start();
    let set = strings::set("k", "v", SetOptions::default());
    let incr = strings::incrby("k", 1);
    let get = strings::get("k");
    let hget = hashes::hget("k", "f");
    let entries = c
        .pipeline([set.command(), incr.command(), get.command(), hget.command()])
        .await
        .unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(set.decode(entries[0].clone()), Ok(true));
    assert!(
        matches!(incr.decode(entries[1].clone()), Err(Error::Redis(m)) if m.starts_with("ERR value is not an integer"))
    );
    assert_eq!(get.decode(entries[2].clone()), Ok(Some(b"v".to_vec())));
    assert!(entries[3].as_ref().is_err_and(|e| e.is_redis_code("WRONGTYPE")));

    // "OK" inside a pipeline entry is its own top level.
    let raw = c
        .pipeline([
            Command::new("SET").args(["a", "1"]),
            Command::new("MGET").args(["a", "k"]),
        ])
        .await
        .unwrap();
    assert_eq!(raw[0], Ok(Value::from("OK")));
    assert_eq!(raw[1], Ok(Value::Array(vec![Value::from("1"), Value::from("v")])));
}

#[tokio::test]
async fn transaction_ok_and_runtime_error_entry() {
    let (_stack, c) = start();
    let got = c
        .transaction([strings::incrby("n", 1), strings::incrby("n", 2)])
        .await
        .unwrap();
    assert_eq!(got, vec![Ok(Value::Int(1)), Ok(Value::Int(3))]);

    // A command failing at run time is an entry; the others still run.
    c.set("s", "text", SetOptions::default()).await.unwrap();
    let cmds = [
        Command::new("SET").args(["t", "1"]),
        Command::new("INCR").arg("s"),
        Command::new("GET").arg("t"),
    ];
    let got = c.transaction(&cmds).await.unwrap();
    assert_eq!(got[0], Ok(Value::from("OK")));
    assert!(
        matches!(&got[1], Err(Error::Redis(m)) if m.contains("not an integer")),
        "{:?}",
        got[1]
    );
    assert_eq!(got[2], Ok(Value::from("1")));
}

#[tokio::test]
async fn transaction_execabort_is_one_error_and_nothing_runs() {
    let (_stack, c) = start();
    // Wrong arity is rejected while queueing, so EXEC aborts the whole transaction.
    let cmds = [Command::new("SET").args(["k", "v"]), Command::new("INCR")];
    let err = c.transaction(&cmds).await.unwrap_err();
    assert!(err.is_redis_code("EXECABORT"), "{err:?}");
    assert_eq!(c.get("k").await.unwrap(), None);
}
