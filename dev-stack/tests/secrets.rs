//! No secret on a command line: `ps` shows every process's arguments to every user of the
//! machine. The workers read theirs from a file only their user can read.

mod common;

use common::{kill, DevStack};
use dev_stack::http::request;
use serde_json::json;

/// Every process's command line, as `ps -eo args` shows it: (pid, arguments).
fn command_lines() -> Vec<(i32, String)> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().map_while(Result::ok) {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        // A process may end between the listing and the read.
        if let Ok(raw) = std::fs::read(entry.path().join("cmdline")) {
            lines.push((pid, String::from_utf8_lossy(&raw).replace('\0', " ")));
        }
    }
    lines
}

fn assert_no_command_line_holds(secrets: &[&str], stack: &DevStack) {
    let lines = command_lines();
    // The scan sees the stack's processes (so it would see a secret among their arguments).
    let worker = format!(
        "wrangler dev -e inventory --ip 127.0.0.1 --port {}",
        stack.port("INVENTORY_PORT")
    );
    assert!(
        lines.iter().any(|(_, args)| args.contains(&worker)),
        "the inventory worker's command line is readable"
    );
    for secret in secrets {
        let holders: Vec<&(i32, String)> = lines.iter().filter(|(_, args)| args.contains(secret)).collect();
        assert!(holders.is_empty(), "a secret on a command line: {holders:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_on_a_command_line_and_the_workers_still_get_them() {
    let dir = tempfile::tempdir().unwrap();
    let token = dev_stack::random_token();
    // Quotes, `$` and `#`: it must reach the worker unchanged through the file.
    let admin = format!("admin's $HOME #{}", dev_stack::random_token());
    let mut stack = DevStack::start(
        dir.path(),
        &[("UPSTASH_REDIS_REST_TOKEN", &token), ("ADMIN_TOKEN", &admin)],
    );
    let secrets = [token.as_str(), admin.as_str()];
    assert_no_command_line_holds(&secrets, &stack);
    // The ready line says where the token came from: no file holds it.
    assert!(
        stack.output().contains("(token from UPSTASH_REDIS_REST_TOKEN)"),
        "{}",
        stack.output()
    );
    assert!(!dir.path().join("token").exists());

    // The workers have them: the gateway accepts their token, and the admin token guards changes.
    let inventory = stack.url("INVENTORY_PORT");
    let product = json!({"name": "Widget", "price": 20, "quantity": 100});
    let answer = request("POST", format!("{inventory}/products"))
        .json(&product)
        .send()
        .await;
    assert_eq!(answer.status, 401, "{}", answer.raw);
    let answer = request("POST", format!("{inventory}/products"))
        .header("Authorization", &format!("Bearer {admin}"))
        .json(&product)
        .send()
        .await;
    assert_eq!(answer.status, 201, "{}", answer.raw);

    // Nor after a restart.
    kill(stack.pid("payment-worker"), libc::SIGKILL);
    stack.wait_for_output("payment-worker ready again");
    assert_no_command_line_holds(&secrets, &stack);

    // Nor in what it prints and logs.
    assert!(stack.stop().success());
    let mut texts = vec![("output".to_owned(), stack.output())];
    for entry in std::fs::read_dir(dir.path().join("logs")).unwrap() {
        let path = entry.unwrap().path();
        texts.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).unwrap(),
        ));
    }
    for (what, text) in texts {
        for secret in secrets {
            assert!(!text.contains(secret), "a secret in {what}:\n{text}");
        }
    }
}
