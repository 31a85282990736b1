use upstash_rest::{streams, Command, Error, Value};

use crate::{send, start};

#[tokio::test]
async fn pipeline_with_an_error_entry() {
    let (_stack, c) = start();
    let create = streams::xgroup_create("s", "g", "0");
    let entries = c
        .pipeline([
            Command::new("SET").args(["k", "v"]),
            Command::new("INCR").arg("k"),
            Command::new("MGET").args(["k", "none"]),
            Command::new("HGET").args(["k", "f"]),
            create.command().clone(),
        ])
        .await
        .unwrap();
    assert_eq!(entries.len(), 5);
    // "OK" inside a pipeline entry is its own top level.
    assert_eq!(entries[0], Ok(Value::from("OK")));
    assert!(
        matches!(&entries[1], Err(Error::Redis(m)) if m.starts_with("ERR value is not an integer")),
        "{:?}",
        entries[1]
    );
    assert_eq!(entries[2], Ok(Value::Array(vec![Value::from("v"), Value::Null])));
    assert!(entries[3].as_ref().is_err_and(|e| e.is_redis_code("WRONGTYPE")));
    // A typed helper's entry decodes as when run alone.
    assert_eq!(create.decode(entries[4].clone()), Ok(true));
}

#[tokio::test]
async fn transaction_ok_and_runtime_error_entry() {
    let (_stack, c) = start();
    let got = c
        .transaction([
            Command::new("INCRBY").args(["n", "1"]),
            Command::new("INCRBY").args(["n", "2"]),
        ])
        .await
        .unwrap();
    assert_eq!(got, vec![Ok(Value::Int(1)), Ok(Value::Int(3))]);

    // A command failing at run time is an entry; the others still run.
    send(&c, &["SET", "s", "text"]).await.unwrap();
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
    assert_eq!(send(&c, &["GET", "k"]).await.unwrap(), Value::Null);
}
