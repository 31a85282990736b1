//! The three workers on bare `workerd` (the open-source runtime in wrangler's npm package), with
//! the deploy's own config: the bundles and `plan.json` that `make deploy DRY_RUN=1`
//! (`scripts/deploy.py --dry-run`) writes, that is each worker's vars as deployed (wrangler.toml's,
//! with the deploy's `--var` overrides), its service bindings and the secrets the deploy sets on
//! it. One capnp config in a private folder (0700; it holds the tokens), one process with a socket
//! per worker, stopped when dropped. What it leaves out: the Rate Limiting binding (workerd has
//! none: a stand-in that never limits), the `/docs` assets, crons and `CF-Connecting-IP`.
//! (`scripts/workerd_stack.py` does the same for the benchmarks, from Python.)

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::ports::free_port;
use crate::process::{
    open_log, spawn_owned, stop_child, wait_for_port_within, workspace_root, write_private,
};
use crate::{ShopVars, Stack};

/// Every secret a deploy may set (scripts/deploy.py's SECRETS): never inherited by its dry run
/// from the caller's environment.
const SECRETS: [&str; 3] = [
    "UPSTASH_REDIS_REST_URL",
    "UPSTASH_REDIS_REST_TOKEN",
    "ADMIN_TOKEN",
];

/// workerd has no Rate Limiting binding (wrangler simulates it): one that never limits, of a class
/// named as the runtime's (`Ratelimit`), which workers-rs checks for.
const NO_LIMIT: &str = "class Ratelimit { async limit() { return { success: true }; } }\n\
                        export default function () { return new Ratelimit(); }";
const NO_LIMIT_MODULE: &str = "shop-internal:no-limit";

/// Runs the deploy's dry run (`scripts/deploy.py --dry-run`, what `make deploy DRY_RUN=1` runs;
/// the workers only unless `with_dashboard`) into `out`, with `env` (its secrets among them:
/// nothing else of the caller's secrets reaches it); returns what it printed. An error when it
/// fails.
pub fn deploy_dry_run(out: &Path, env: &[(&str, &str)], with_dashboard: bool) -> io::Result<String> {
    let root = workspace_root();
    let venv = root.join(".venv/bin/python");
    let python = if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    };
    let mut cmd = Command::new(python);
    cmd.current_dir(&root)
        .arg("scripts/deploy.py")
        .args(["--dry-run", "--out"])
        .arg(out)
        .args((!with_dashboard).then_some("--workers-only"))
        .stdin(Stdio::null());
    for name in SECRETS {
        cmd.env_remove(name);
    }
    cmd.envs(env.iter().copied());
    let output = cmd.output()?;
    let text =
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        Ok(text)
    } else {
        Err(io::Error::other(format!("the deploy's dry run failed:\n{text}")))
    }
}

/// The workers of a deploy's dry run, served by one `workerd`.
pub struct WorkerdShop {
    child: Child,
    /// Each worker's port, by its `[env.<env>]`.
    ports: BTreeMap<String, u16>,
    log: PathBuf,
    /// The config and the bundles' copies: private, removed when the shop stops.
    _dir: tempfile::TempDir,
}

impl WorkerdShop {
    /// The deploy's dry run (its own folder) on `stack`'s gateway, then its workers on workerd
    /// with `vars` on top (a test's own: `FAULTS`, the open admin mode).
    pub fn start(stack: &Stack, vars: ShopVars<'_>) -> io::Result<Self> {
        let out = tempfile::Builder::new().prefix("deploy-dry-run-").tempdir()?;
        let secrets = stack.secrets();
        let secrets: Vec<(&str, &str)> = secrets.iter().map(|(k, v)| (*k, v.as_str())).collect();
        deploy_dry_run(out.path(), &secrets, false)?;
        Self::from_plan(out.path(), &secrets, vars)
    }

    /// The workers of the dry run in `out` (its `plan.json` and bundles): each with the vars the
    /// plan gives it, the secrets it names (their values from `secrets`), and `vars` on top.
    pub fn from_plan(out: &Path, secrets: &[(&str, &str)], vars: ShopVars<'_>) -> io::Result<Self> {
        let plan: Value = serde_json::from_str(&std::fs::read_to_string(out.join("plan.json"))?)
            .map_err(|e| io::Error::other(format!("plan.json: {e}")))?;
        let workers = plan["workers"]
            .as_array()
            .ok_or_else(|| io::Error::other("plan.json has no workers"))?;
        let dir = tempfile::Builder::new().prefix("workerd-shop-").tempdir()?; // 0700
        let (mut services, mut sockets, mut ports) = (Vec::new(), Vec::new(), BTreeMap::new());
        for worker in workers {
            let env = text(worker, "env")?;
            let port = free_port();
            services.push(service(worker, dir.path(), secrets, &vars.of(env))?);
            sockets.push(format!(
                "(name = {}, address = \"127.0.0.1:{port}\", http = (), service = {})",
                quoted(env),
                quoted(text(worker, "name")?)
            ));
            ports.insert(env.to_owned(), port);
        }
        // The gateway is on loopback, which workerd's default network refuses.
        services
            .push("(name = \"loopback\", network = (allow = [\"public\", \"private\", \"local\"]))".into());
        let config = format!(
            "using Workerd = import \"/workerd/workerd.capnp\";\n\
             const config :Workerd.Config = (\n  services = [\n{}\n  ],\n  sockets = [{}],\n  \
             extensions = [(modules = [(name = {}, esModule = {}, internal = true)])]);\n",
            services.join(",\n"),
            sockets.join(", "),
            quoted(NO_LIMIT_MODULE),
            quoted(NO_LIMIT)
        );
        let config_path = dir.path().join("workerd.capnp");
        write_private(&config_path, &config)?;

        let logs = workspace_root().join("target/test-logs");
        std::fs::create_dir_all(&logs)?;
        let log = logs.join(format!("workerd-{}.log", free_port()));
        let file = open_log(&log, "workerd")?;
        let bin = workspace_root().join("node_modules/@cloudflare/workerd-linux-64/bin/workerd");
        let mut cmd = Command::new(bin);
        cmd.current_dir(dir.path())
            .arg("serve")
            .arg(&config_path)
            // console.log and console.error reach the log (the workers' JSON lines).
            .arg("--verbose")
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file);
        let mut child = spawn_owned(&mut cmd)?;
        for &port in ports.values() {
            if let Err(e) = wait_for_port_within(&mut child, port, "workerd", Duration::from_secs(60)) {
                stop_child(&mut child);
                return Err(io::Error::new(e.kind(), format!("{e} (log: {})", log.display())));
            }
        }
        Ok(Self {
            child,
            ports,
            log,
            _dir: dir,
        })
    }

    /// The port of the worker of `[env.<env>]`.
    pub fn port(&self, env: &str) -> u16 {
        *self
            .ports
            .get(env)
            .unwrap_or_else(|| panic!("no {env} worker in the plan"))
    }

    /// The address of the worker of `[env.<env>]`.
    pub fn url(&self, env: &str) -> String {
        format!("http://127.0.0.1:{}", self.port(env))
    }

    /// The process serving every worker.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Where workerd's output goes (every worker's lines).
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    pub fn stop(&mut self) {
        stop_child(&mut self.child);
    }
}

impl Drop for WorkerdShop {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Stack {
    /// What a deploy would set as the Upstash secrets of this stack's workers: its gateway.
    pub fn secrets(&self) -> [(&'static str, String); 2] {
        [
            ("UPSTASH_REDIS_REST_URL", self.gateway.url()),
            ("UPSTASH_REDIS_REST_TOKEN", self.gateway.token().to_owned()),
        ]
    }
}

/// One worker of the plan as a capnp service: its modules (copied into `dir`), its bindings.
fn service(
    worker: &Value,
    dir: &Path,
    secrets: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> io::Result<String> {
    let (env, name, main) = (text(worker, "env")?, text(worker, "name")?, text(worker, "main")?);
    let bundle = PathBuf::from(text(worker, "bundle")?);
    let copy = dir.join(env);
    std::fs::create_dir_all(&copy)?;
    let mut modules = Vec::new();
    for entry in std::fs::read_dir(&bundle)? {
        let file = entry?.file_name().to_string_lossy().into_owned();
        let kind = match Path::new(&file).extension().and_then(|e| e.to_str()) {
            Some("wasm") => "wasm",
            Some("js" | "mjs") => "esModule",
            _ => continue,
        };
        std::fs::copy(bundle.join(&file), copy.join(&file))?;
        modules.push((
            file != main,
            format!(
                "(name = {}, {kind} = embed {})",
                quoted(&file),
                quoted(&format!("{env}/{file}"))
            ),
        ));
    }
    // The entry module first: workerd's rule.
    modules.sort();
    let mut bindings: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in worker["vars"].as_object().into_iter().flatten() {
        bindings.insert(key.clone(), value.as_str().unwrap_or_default().to_owned());
    }
    for secret in worker["secrets"].as_array().into_iter().flatten() {
        let secret = secret.as_str().unwrap_or_default();
        let value = secrets
            .iter()
            .find(|(k, _)| *k == secret)
            .ok_or_else(|| io::Error::other(format!("the plan sets {secret} on {name}: give its value")))?;
        bindings.insert(secret.to_owned(), value.1.to_owned());
    }
    for (key, value) in extra {
        bindings.insert((*key).to_owned(), (*value).to_owned());
    }
    let mut lines: Vec<String> = bindings
        .iter()
        .map(|(k, v)| format!("(name = {}, text = {})", quoted(k), quoted(v)))
        .collect();
    for binding in worker["services"].as_array().into_iter().flatten() {
        lines.push(format!(
            "(name = {}, service = {})",
            quoted(text(binding, "binding")?),
            quoted(text(binding, "service")?)
        ));
    }
    for limiter in worker["ratelimits"].as_array().into_iter().flatten() {
        let limiter = limiter.as_str().unwrap_or_default();
        lines.push(format!(
            "(name = {}, wrapped = (moduleName = {}))",
            quoted(limiter),
            quoted(NO_LIMIT_MODULE)
        ));
    }
    Ok(format!(
        "    (name = {}, worker = (\n      modules = [{}],\n      compatibilityDate = {},\n      \
         bindings = [{}],\n      globalOutbound = \"loopback\"))",
        quoted(name),
        modules.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(", "),
        quoted(text(worker, "compatibility_date")?),
        lines.join(", ")
    ))
}

fn text<'v>(value: &'v Value, field: &str) -> io::Result<&'v str> {
    value[field]
        .as_str()
        .ok_or_else(|| io::Error::other(format!("plan.json: no {field} in {value}")))
}

/// A capnp string literal (its escapes are JSON's).
fn quoted(text: &str) -> String {
    Value::from(text).to_string()
}
