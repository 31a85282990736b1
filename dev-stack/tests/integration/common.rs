//! `make dev`'s runner started as `make dev` starts it (the dev-stack binary), with its folder
//! and ports of its own, so that tests run in parallel with each other and with a real `make dev`.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dev_stack::http::{request, CEILING};
use dev_stack::{free_port, log_tail};

/// How many times a stack is started on new ports when one it was given is taken meanwhile.
const PORT_ATTEMPTS: usize = 3;

/// How long the runner may take to be ready: a cold build of the workers under `wrangler dev`
/// takes minutes; only a hang waits this out (an exit is reported at once).
const READY_CEILING: Duration = Duration::from_secs(600);

/// The port settings of the runner, in the order it starts the services.
pub const PORTS: [&str; 6] = [
    "REDIS_PORT",
    "UPSTASH_LOCAL_PORT",
    "INVENTORY_PORT",
    "PAYMENT_PORT",
    "CONSUMER_CRON_PORT",
    "FRONTEND_PORT",
];

/// The runner with its folder in `dev_dir`, no Vite, and the consumer run every second.
pub fn runner(dev_dir: &Path, ports: &[(&str, u16)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dev-stack"));
    cmd.env("DEV_DIR", dev_dir)
        .env("SERVE_FRONTEND", "0")
        .env("CONSUMER_EVERY_SECONDS", "1")
        .env_remove("UPSTASH_REDIS_REST_TOKEN")
        .env_remove("ADMIN_TOKEN");
    for (name, port) in ports {
        cmd.env(name, port.to_string());
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

pub fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// A running runner. Dropping it stops it (SIGTERM, then SIGKILL), also when a test fails.
pub struct DevStack {
    child: Child,
    pub dir: PathBuf,
    pub ports: Vec<(&'static str, u16)>,
    /// Its stdout and stderr, as they come.
    output: Arc<Mutex<String>>,
}

impl DevStack {
    /// On free ports, with `env` on top; returns once every service is ready. Ports are chosen
    /// here, so a runner that finds one taken meanwhile (it exits: "busy") is started again on new
    /// ones.
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Self {
        for _ in 1..PORT_ATTEMPTS {
            let mut stack = Self::launch(dir, env);
            match stack.try_wait_for_output("all services ready", 1, READY_CEILING) {
                Ok(()) => return stack,
                Err(why) if why.contains(" is busy") || why.contains("was taken") => continue,
                Err(why) => panic!("{why}"),
            }
        }
        let mut stack = Self::launch(dir, env);
        if let Err(why) = stack.try_wait_for_output("all services ready", 1, READY_CEILING) {
            panic!("{why}");
        }
        stack
    }

    /// On free ports, with `env` on top, without waiting for anything.
    pub fn launch(dir: &Path, env: &[(&str, &str)]) -> Self {
        let ports: Vec<(&str, u16)> = PORTS.iter().map(|&name| (name, free_port())).collect();
        let mut cmd = runner(dir, &ports);
        cmd.envs(env.iter().copied());
        // If this test's thread dies without dropping us, the runner still stops (and stops
        // what it started).
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let mut child = cmd.spawn().expect("the dev-stack binary starts");
        let output = Arc::new(Mutex::new(String::new()));
        let stdout: Box<dyn Read + Send> = Box::new(child.stdout.take().unwrap());
        let stderr: Box<dyn Read + Send> = Box::new(child.stderr.take().unwrap());
        for stream in [stdout, stderr] {
            let output = Arc::clone(&output);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut all = output.lock().unwrap();
                    all.push_str(&line);
                    all.push('\n');
                }
            });
        }
        Self {
            child,
            dir: dir.to_path_buf(),
            ports,
            output,
        }
    }

    pub fn port(&self, name: &str) -> u16 {
        self.ports
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a port setting")
            .1
    }

    pub fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}", self.port(name))
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits until `needle` has appeared in the output; panics with the output and the end of
    /// every log at once if the runner exits first, or after `CEILING` (a hang).
    pub fn wait_for_output(&mut self, needle: &str) {
        if let Err(why) = self.try_wait_for_output(needle, 1, CEILING) {
            panic!("{why}");
        }
    }

    /// `wait_for_output_times`, with the reason as an error.
    pub fn try_wait_for_output(&mut self, needle: &str, times: usize, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        loop {
            let output = self.output();
            if output.matches(needle).count() >= times {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                // Its last lines may still be in the pipe.
                std::thread::sleep(Duration::from_millis(200));
                return Err(format!(
                    "the runner exited ({status}) before {needle:?} ({times}×); output:\n{}{}",
                    self.output(),
                    self.log_tails()
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "no {needle:?} ({times}×) after {limit:?}; output:\n{output}{}",
                    self.log_tails()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The end of each service's log (workers, frontend, redis-server), for a failure message.
    pub fn log_tails(&self) -> String {
        let mut logs: Vec<PathBuf> = std::fs::read_dir(self.dir.join("logs"))
            .map(|dir| dir.map_while(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        logs.sort();
        logs.push(self.dir.join("redis/redis.log"));
        logs.iter()
            .filter(|log| log.exists())
            .map(|log| format!("\n--- end of {} ---\n{}", log.display(), log_tail(log, 30)))
            .collect()
    }

    /// The process id the runner recorded for `service` (`<DEV_DIR>/pids/<service>.pid`).
    pub fn pid(&self, service: &str) -> i32 {
        let file = self.dir.join("pids").join(format!("{service}.pid"));
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        text.trim().parse().expect("a process id")
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: signalling the child we spawned (not yet reaped: we own its `Child`).
        unsafe { libc::kill(self.child.id() as i32, signal) };
    }

    /// Waits for the runner to exit on its own; panics after `CEILING` (a hang).
    pub fn wait_exit(&mut self) -> ExitStatus {
        let limit = CEILING;
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the runner still runs after {limit:?}; output:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Ctrl-C, as a user stops `make dev`.
    pub fn stop(&mut self) -> ExitStatus {
        self.signal(libc::SIGINT);
        self.wait_exit()
    }

    /// Asserts that every port of the stack is free again (within `CEILING`): nothing left behind.
    pub fn assert_ports_freed(&self) {
        let deadline = Instant::now() + CEILING;
        for (name, port) in &self.ports {
            while !port_is_free(*port) {
                assert!(
                    Instant::now() < deadline,
                    "{name} ({port}) still bound after the runner stopped: an orphan"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

impl Drop for DevStack {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.signal(libc::SIGTERM);
            let deadline = Instant::now() + CEILING;
            while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Sends `signal` to a process the runner recorded.
pub fn kill(pid: i32, signal: i32) {
    // SAFETY: kill(2) on a pid the runner just recorded for a service it owns.
    let sent = unsafe { libc::kill(pid, signal) };
    assert_eq!(sent, 0, "kill {pid}: {}", std::io::Error::last_os_error());
}

/// The process that listens on `port`, as `ss -ltnp` shows it (what a user finds and kills).
pub fn listener_pid(port: u16) -> Option<i32> {
    let out = Command::new("ss")
        .args(["-ltnpH", &format!("sport = :{port}")])
        .output()
        .expect("ss (iproute2) runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let (_, rest) = text.split_once("pid=")?;
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// A product change at `inventory` (a worker's URL) is refused (401) without `admin`'s token and
/// done (201) with it: the admin token the stack was given guards its changes.
pub async fn assert_admin_token_guards_changes(inventory: &str, admin: &str) {
    let product = serde_json::json!({"name": "Widget", "price": 20, "quantity": 5});
    let refused = request("POST", format!("{inventory}/products"))
        .json(&product)
        .send()
        .await;
    assert_eq!(refused.status, 401, "{}", refused.raw);
    let created = request("POST", format!("{inventory}/products"))
        .header("Authorization", &format!("Bearer {admin}"))
        .json(&product)
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.raw);
}
