//! No secret on a command line: `ps` shows every process's arguments to every user of the
//! machine. The workers of `make dev` read theirs from a file only their user can read; `make
//! deploy` hands them to `wrangler secret bulk` on stdin (its dry run is watched here, dashboard
//! build included, against the three workers it calls). And none on disk where another user can
//! read it: a token sent in a query string (wrongly, but people do) is kept in no file, and
//! wrangler's local state is in a folder only its owner can open.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::{kill, DevStack};
use dev_stack::http::request;

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

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().map_while(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// `text` as a query string value: every byte but letters and digits percent-encoded.
fn query_escaped(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
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
    let output = stack.output();
    assert!(output.contains("admin routes need the ADMIN_TOKEN"), "{output}");
    // The ready line says where the token came from: no file holds it.
    assert!(
        stack.output().contains("(token from UPSTASH_REDIS_REST_TOKEN)"),
        "{}",
        stack.output()
    );
    assert!(!dir.path().join("token").exists());

    // The workers have them: the gateway accepts their token, and the admin token guards changes.
    let inventory = stack.url("INVENTORY_PORT");
    crate::common::assert_admin_token_guards_changes(&inventory, &admin).await;
    // Tokens where they do not belong: in the query string, which wrangler's local tracing stores.
    for secret in &secrets {
        let url = format!("{inventory}/products?token={}", query_escaped(secret));
        assert_eq!(request("GET", url).send().await.status, 200);
    }

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

    // Nor in any file of the stack's folder, wrangler's local state included, which only its
    // owner may open.
    let state = dir.path().join("wrangler-state");
    let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{} is {mode:o}", state.display());
    let escaped: Vec<String> = secrets.iter().map(|s| query_escaped(s)).collect();
    for file in files_under(dir.path()) {
        let bytes = std::fs::read(&file).unwrap();
        for secret in secrets.iter().copied().chain(escaped.iter().map(String::as_str)) {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "a secret in {}", file.display());
        }
    }
}

#[test]
fn the_deploy_puts_no_secret_on_a_command_line_nor_in_what_it_prints() {
    let secrets = [
        (
            "UPSTASH_REDIS_REST_URL",
            format!("https://{}.upstash.io", dev_stack::random_token()),
        ),
        ("UPSTASH_REDIS_REST_TOKEN", dev_stack::random_token()),
        (
            "ADMIN_TOKEN",
            format!("admin's $HOME #{}", dev_stack::random_token()),
        ),
    ];
    let values: Vec<String> = secrets.iter().map(|(_, v)| v.clone()).collect();
    // Every process's arguments, sampled while the dry run runs.
    let done = Arc::new(AtomicBool::new(false));
    let sampler = std::thread::spawn({
        let (done, values) = (Arc::clone(&done), values.clone());
        move || {
            let (mut seen_deploy, mut holders) = (false, Vec::new());
            while !done.load(Ordering::Relaxed) {
                for (pid, args) in command_lines() {
                    seen_deploy |= args.contains("wrangler deploy -e ") && args.contains("--dry-run");
                    if values.iter().any(|v| args.contains(v.as_str())) {
                        holders.push((pid, args));
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            (seen_deploy, holders)
        }
    });
    let out = tempfile::tempdir().unwrap();
    let env: Vec<(&str, &str)> = secrets.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let printed = dev_stack::deploy_dry_run(out.path(), &env, true);
    done.store(true, Ordering::Relaxed);
    let (seen_deploy, holders) = sampler.join().unwrap();
    let printed = printed.expect("the dry run succeeds");
    assert!(seen_deploy, "the scan saw the deploy's wrangler processes");
    assert!(holders.is_empty(), "a secret on a command line: {holders:?}");
    for value in &values {
        assert!(
            !printed.contains(value.as_str()),
            "a secret in what the deploy printed"
        );
        let plan = std::fs::read_to_string(out.path().join("plan.json")).unwrap();
        assert!(!plan.contains(value.as_str()), "a secret in plan.json");
    }
    // It says what a real run would do with them, and built the dashboard.
    let bulk = "would run `wrangler secret bulk -e inventory` with \
                UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, ADMIN_TOKEN on stdin";
    assert!(printed.contains(bulk), "{printed}");
    assert!(printed.contains("would run `wrangler pages deploy"), "{printed}");
    assert!(
        out.path().join("dashboard/index.html").exists(),
        "the dashboard was built"
    );
    // Against the three workers it calls (consumer-cron for its Operations screen).
    let assets = std::fs::read_dir(out.path().join("dashboard/assets")).unwrap();
    let script: String = assets
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "js"))
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap())
        .collect();
    for worker in ["inventory-worker", "payment-worker", "consumer-cron"] {
        let url = format!("https://{worker}.YOUR-SUBDOMAIN.workers.dev");
        assert!(script.contains(&url), "the dashboard calls {url}");
    }
}
