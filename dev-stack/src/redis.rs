use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::ports::retry_on_taken_port;
use crate::process::{
    ensure_port_free, log_tail, signal, spawn_owned, stop_child, wait_for_port, wait_until_port_free,
};
use crate::{Probe, Service};

/// A real `redis-server` (Debian's) on a loopback port.
pub struct RedisServer {
    port: u16,
    dir: DataDir,
    child: Option<Child>,
}

enum DataDir {
    /// Removed when the server is dropped (tests).
    Temporary(tempfile::TempDir),
    /// Kept between runs in an append-only file (`make dev`).
    Kept(PathBuf),
}

impl RedisServer {
    /// On a free port, with its data in a temporary folder and no persistence (tests).
    pub fn start() -> io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("redis-").tempdir()?;
        let mut server = Self {
            port: 0,
            dir: DataDir::Temporary(dir),
            child: None,
        };
        retry_on_taken_port(|port| {
            server.port = port;
            server.resume()
        })?;
        Ok(server)
    }

    /// On `port`, with its data kept in `dir` across runs and crashes (`make dev`): every write is
    /// in the append-only file before Redis acknowledges it. A busy port is an error.
    pub fn start_at(port: u16, dir: &Path) -> io::Result<Self> {
        ensure_port_free(port, "redis-server")?;
        std::fs::create_dir_all(dir)?;
        let mut server = Self {
            port,
            dir: DataDir::Kept(dir.to_path_buf()),
            child: None,
        };
        server.resume()?;
        Ok(server)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// Stops the server (as a crash would look to its clients: connections drop).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            stop_child(&mut child);
        }
    }

    /// Freezes it (SIGSTOP): connections stay open and nothing answers, as when a server hangs.
    pub fn freeze(&self) {
        if let Some(child) = &self.child {
            signal(child, libc::SIGSTOP);
        }
    }

    /// Lets a frozen server go on (SIGCONT).
    pub fn thaw(&self) {
        if let Some(child) = &self.child {
            signal(child, libc::SIGCONT);
        }
    }

    /// Starts it again on the same port, after `stop`.
    pub fn resume(&mut self) -> io::Result<()> {
        if self.is_running() {
            return Ok(());
        }
        // Someone else on our port would look like a ready server.
        ensure_port_free(self.port, "redis-server")?;
        // A snapshot from before `make dev` used an append-only file: Redis would start empty
        // with the file switched on, so load the snapshot first and switch it on live.
        let from_snapshot = match &self.dir {
            DataDir::Kept(dir) => dir.join("dump.rdb").exists() && !dir.join(AOF_DIR).exists(),
            DataDir::Temporary(_) => false,
        };
        let mut child = spawn_owned(&mut redis_command(self.port, &self.dir, from_snapshot))?;
        let ready = wait_for_port(&mut child, self.port, "redis-server")
            .and_then(|()| wait_until_serving(&mut child, self.port))
            .and_then(|()| match &self.dir {
                DataDir::Kept(dir) if from_snapshot => switch_to_append_only(self.port, dir),
                _ => Ok(()),
            });
        if let Err(e) = ready {
            stop_child(&mut child);
            let log = self.dir.path().join("redis.log");
            return Err(io::Error::new(
                e.kind(),
                format!("{e} (log: {}, ending:\n{})", log.display(), log_tail(&log, 20)),
            ));
        }
        self.child = Some(child);
        Ok(())
    }
}

impl Service for RedisServer {
    fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn is_running(&mut self) -> bool {
        RedisServer::is_running(self)
    }

    fn probe(&self) -> Probe {
        Probe::redis(self.port)
    }

    fn restart(&mut self) -> io::Result<()> {
        self.stop();
        wait_until_port_free(self.port, "redis-server")?;
        self.resume()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl DataDir {
    fn path(&self) -> &Path {
        match self {
            DataDir::Temporary(dir) => dir.path(),
            DataDir::Kept(dir) => dir,
        }
    }
}

/// Waits until redis-server answers `PING` with `PONG`: its port opens before it has loaded its
/// data, and until then every command is refused with `LOADING` (a client that wrote just before
/// a restart would read nothing yet).
fn wait_until_serving(child: &mut Child, port: u16) -> io::Result<()> {
    let deadline = Instant::now() + crate::http::CEILING;
    loop {
        let answer = Probe::redis(port).ask(Duration::from_secs(1));
        if answer.is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            return Err(io::Error::other(format!(
                "redis-server exited before it served: {status}"
            )));
        }
        if Instant::now() > deadline {
            return Err(io::Error::other(format!(
                "redis-server on port {port} still not serving after {:?}: {}",
                crate::http::CEILING,
                answer.unwrap_err()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Where Redis 7 keeps its append-only files, inside its data folder.
const AOF_DIR: &str = "appendonlydir";

fn redis_command(port: u16, dir: &DataDir, from_snapshot: bool) -> Command {
    let mut cmd = Command::new("redis-server");
    cmd.args(["--bind", "127.0.0.1", "--port", &port.to_string(), "--save", ""]);
    let dir = match dir {
        DataDir::Temporary(dir) => {
            cmd.args(["--appendonly", "no"]);
            dir.path()
        }
        DataDir::Kept(dir) => {
            // `always`: the write is on disk before Redis answers, so an acknowledged write
            // survives even a power cut; it costs ~2 ms a write, small next to a request through
            // `wrangler dev` (measured: README, "Durability").
            let append_only = if from_snapshot { "no" } else { "yes" };
            cmd.args(["--appendonly", append_only, "--appendfsync", "always"]);
            dir.as_path()
        }
    };
    cmd.arg("--dir")
        .arg(dir)
        .arg("--logfile")
        .arg(dir.join("redis.log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Switches the append-only file on in a running server (it writes the data it holds into it)
/// and waits until the file is complete, so the next start loads it.
fn switch_to_append_only(port: u16, dir: &Path) -> io::Result<()> {
    let out = Command::new("redis-cli")
        .args(["-p", &port.to_string(), "CONFIG", "SET", "appendonly", "yes"])
        .stdin(Stdio::null())
        .output()?;
    let answer = String::from_utf8_lossy(&out.stdout);
    if answer.trim() != "OK" {
        return Err(io::Error::other(format!(
            "redis-server refused to switch to an append-only file: {answer}{}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    // Redis writes the manifest once the rewrite of the data into the new file is done.
    let manifest = dir.join(AOF_DIR).join("appendonly.aof.manifest");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !manifest.exists() {
        if Instant::now() > deadline {
            return Err(io::Error::other(format!(
                "redis-server did not write {} within 60 s (see {})",
                manifest.display(),
                dir.join("redis.log").display()
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}
