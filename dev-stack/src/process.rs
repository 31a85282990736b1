use std::fs::File;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use crate::ports::is_free;
use crate::{Probe, Service};

/// A clear error instead of a hang or a confusing failure later when a fixed port is taken.
pub fn ensure_port_free(port: u16, what: &str) -> io::Result<()> {
    if is_free(port) {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::AddrInUse,
        format!("port {port} for {what} is busy; stop what uses it or choose another port"),
    ))
}

/// The workspace root: where `target/`, `node_modules/` and the Makefile live.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("dev-stack lives inside the workspace")
        .to_path_buf()
}

/// 128 random bits from the kernel, hex: a token for a local gateway.
pub fn random_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("/dev/urandom is readable");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `contents` to `path` readable by its owner only (0600), also when the file already
/// existed with a wider mode: for tokens and other secrets.
pub fn write_private(path: &Path, contents: &str) -> io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // `mode` applies only when the file is created.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(contents.as_bytes())
}

/// The last `lines` lines of a log, for an error message: what a service said before it failed.
/// Empty when the file cannot be read.
pub fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Opens a service's log for appending (a restart must not erase why it died) and writes one
/// marker line saying when this start began.
pub(crate) fn open_log(path: &Path, what: &str) -> io::Result<File> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    writeln!(file, "----- {} starting {what} -----", domain::time::rfc3339(now))?;
    Ok(file)
}

static LIVE_GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
static PRIVATE_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static AT_EXIT: Once = Once::new();
static DIE_WITH_PARENT: AtomicBool = AtomicBool::new(false);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes every wait for a service to be ready give up at once: Ctrl-C during a (re)start of
/// `make dev` must not wait for a slow `wrangler dev` to come up first.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::Relaxed);
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Children spawned from now on also get SIGKILL if this process dies without cleaning up
/// (`PR_SET_PDEATHSIG`). Only for a process whose spawning thread lives as long as it does (the
/// `make dev` runner): the signal fires when the *thread* that spawned the child exits, which in
/// a test harness is the end of the first test.
pub fn die_with_parent() {
    DIE_WITH_PARENT.store(true, Ordering::Relaxed);
}

/// Spawns `cmd` in a process group of its own, so that stopping it also stops what it started
/// (wrangler's workerd), and so that a test binary's exit (even after a failed test, through
/// `atexit`) kills every group still alive.
pub(crate) fn spawn_owned(cmd: &mut Command) -> io::Result<Child> {
    clean_up_at_exit();
    cmd.process_group(0);
    if DIE_WITH_PARENT.load(Ordering::Relaxed) {
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
    }
    let child = cmd.spawn()?;
    LIVE_GROUPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(child.id() as i32);
    Ok(child)
}

/// Sends `signal` to a child we started (SIGSTOP/SIGCONT to freeze and thaw a server in tests).
pub fn signal(child: &std::process::Child, signal: libc::c_int) {
    // SAFETY: kill(2) on a process we started and still own.
    unsafe { libc::kill(child.id() as libc::pid_t, signal) };
}

/// Deletes `path` when this process exits, if nothing did before: a worker kept in a test
/// binary's static is never dropped, and its private vars file must not outlive the binary.
pub(crate) fn remove_at_exit(path: &Path) {
    clean_up_at_exit();
    PRIVATE_FILES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(path.to_path_buf());
}

fn clean_up_at_exit() {
    AT_EXIT.call_once(|| {
        // SAFETY: registering a plain extern "C" function with no captured state.
        unsafe { libc::atexit(clean_up) };
    });
}

extern "C" fn clean_up() {
    let groups = std::mem::take(&mut *LIVE_GROUPS.lock().unwrap_or_else(|e| e.into_inner()));
    for pgid in groups {
        // SAFETY: kill(2) on process groups we created.
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
    }
    let files = std::mem::take(&mut *PRIVATE_FILES.lock().unwrap_or_else(|e| e.into_inner()));
    for file in files {
        let _ = std::fs::remove_file(file);
    }
}

/// Stops a child and its group: SIGTERM, a grace period, then SIGKILL; always reaps it. A second
/// call only reaps: the group id may belong to someone else by then.
pub(crate) fn stop_child(child: &mut Child) {
    let pgid = child.id() as i32;
    let owned = {
        let mut groups = LIVE_GROUPS.lock().unwrap_or_else(|e| e.into_inner());
        let before = groups.len();
        groups.retain(|&g| g != pgid);
        groups.len() < before
    };
    if !owned {
        let _ = child.wait();
        return;
    }
    if !matches!(child.try_wait(), Ok(Some(_))) {
        // SAFETY: kill(2) on the process group we created for this child.
        unsafe { libc::kill(-pgid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    // Whatever is left of the group (the child, or a grandchild such as workerd) goes now.
    // SAFETY: as above.
    unsafe { libc::kill(-pgid, libc::SIGKILL) };
    let _ = child.wait();
}

/// A child process (group) serving `port`, started again the same way (`spawn`) when it dies, and
/// stopped when dropped: the gateway and the frontend, which keep nothing else between runs.
pub(crate) struct PortProcess {
    port: u16,
    what: &'static str,
    /// What `GET` to ask it whether it answers.
    probe_path: &'static str,
    spawn: Box<dyn Fn(u16) -> io::Result<Child> + Send + Sync>,
    child: Child,
}

impl PortProcess {
    pub(crate) fn start(
        port: u16,
        what: &'static str,
        probe_path: &'static str,
        spawn: impl Fn(u16) -> io::Result<Child> + Send + Sync + 'static,
    ) -> io::Result<Self> {
        Ok(Self {
            port,
            what,
            probe_path,
            child: spawn(port)?,
            spawn: Box::new(spawn),
        })
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    pub(crate) fn child(&self) -> &Child {
        &self.child
    }
}

impl Service for PortProcess {
    fn pid(&self) -> Option<u32> {
        Some(self.child.id())
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn probe(&self) -> Probe {
        Probe::http(self.port, self.probe_path)
    }

    fn restart(&mut self) -> io::Result<()> {
        stop_child(&mut self.child);
        wait_until_port_free(self.port, self.what)?;
        self.child = (self.spawn)(self.port)?;
        Ok(())
    }
}

impl Drop for PortProcess {
    fn drop(&mut self) {
        stop_child(&mut self.child);
    }
}

/// Waits until something accepts TCP connections on `port`, or the child exits (reported at
/// once), or `CEILING` passes (a hang: a loaded machine is slow, and must not fail a start).
pub(crate) fn wait_for_port(child: &mut Child, port: u16, what: &str) -> io::Result<()> {
    wait_for_port_within(child, port, what, crate::http::CEILING)
}

pub(crate) fn wait_for_port_within(
    child: &mut Child,
    port: u16,
    what: &str,
    limit: Duration,
) -> io::Result<()> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + limit;
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            // Its port taken by someone else meanwhile: the caller may try another port.
            if !is_free(port) {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!("{what} exited ({status}): port {port} was taken by another process"),
                ));
            }
            return Err(io::Error::other(format!(
                "{what} exited before it was ready: {status}"
            )));
        }
        if interrupted() {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                format!("{what}: interrupted"),
            ));
        }
        if Instant::now() > deadline {
            return Err(io::Error::other(format!(
                "{what} not ready on port {port} after {limit:?}"
            )));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Waits (up to 10 s) until nothing listens on `port` any more: a killed process's children (a
/// worker's workerd) may hold it a moment after the group was signalled.
pub(crate) fn wait_until_port_free(port: u16, what: &str) -> io::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let free = ensure_port_free(port, what);
        if free.is_ok() || Instant::now() >= deadline {
            return free;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A plain HTTP/1.1 GET on loopback, for the dev runner's own checks: (status, body).
pub(crate) fn http_get(port: u16, path: &str, authorization: Option<&str>) -> io::Result<(u16, String)> {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let auth = authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}
