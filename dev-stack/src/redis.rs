use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::process::{ensure_port_free, free_port, signal, spawn_owned, stop_child, wait_for_port};

/// A real `redis-server` (Debian's) on a loopback port.
pub struct RedisServer {
    port: u16,
    dir: DataDir,
    child: Option<Child>,
}

enum DataDir {
    /// Removed when the server is dropped (tests).
    Temporary(tempfile::TempDir),
    /// Kept between runs, snapshotted on shutdown (`make dev`).
    Kept(PathBuf),
}

impl RedisServer {
    /// On a free port, with its data in a temporary folder and no persistence (tests).
    pub fn start() -> io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("redis-").tempdir()?;
        let mut server = Self {
            port: free_port(),
            dir: DataDir::Temporary(dir),
            child: None,
        };
        server.resume()?;
        Ok(server)
    }

    /// On `port`, with its data kept in `dir` across runs (`make dev`). A busy port is an error.
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
        let mut child = spawn_owned(&mut redis_command(self.port, &self.dir))?;
        wait_for_port(&mut child, self.port, "redis-server")?;
        self.child = Some(child);
        Ok(())
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn redis_command(port: u16, dir: &DataDir) -> Command {
    let (dir, save) = match dir {
        DataDir::Temporary(dir) => (dir.path(), ""),
        // Snapshot now and then, and on shutdown, so `make dev` keeps its products.
        DataDir::Kept(dir) => (dir.as_path(), "60 1"),
    };
    let mut cmd = Command::new("redis-server");
    cmd.args([
        "--bind",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--save",
        save,
        "--appendonly",
        "no",
    ])
    .arg("--dir")
    .arg(dir)
    .arg("--logfile")
    .arg(dir.join("redis.log"))
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    cmd
}
