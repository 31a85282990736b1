//! Loopback ports for the services of a stack that no two services ever share.
//!
//! Binding port 0 and closing the socket again (what every launcher did) gives a port that is free
//! *now*; the kernel may give the same one to the next caller a moment later, before our service
//! has bound it, and CI saw two services of one stack get the same port. Instead, a port comes from
//! [`free_port`], which:
//! - never hands out the same port twice in one process;
//! - reserves it against every other process of this user that uses it (a lock file held until
//!   this process exits: `flock`, so a crash releases it too), so parallel test binaries, `dev-stack
//!   up`s and worktrees never get the same one;
//! - takes it below the kernel's ephemeral range (`ip_local_port_range`), so no `bind(0)` and no
//!   outgoing connection of any program is handed it meanwhile;
//! - checks that nothing listens on it (IPv4 and IPv6 loopback).
//!
//! What is left is a program outside this scheme binding that very port by number between our check
//! and our service's bind: a start that fails because of it is retried on another port by the
//! launcher that chose the port (see [`retry_on_taken_port`]).

use std::collections::BTreeSet;
use std::fs::File;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, TcpListener};
use std::os::fd::AsRawFd;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;
use std::sync::Mutex;

/// Where ports are taken from when the kernel's ephemeral range allows: above the fixed ports of
/// `make dev` (3000, 6380, 8000–8002, 8079) and wrangler's (8787, 9229).
const PREFERRED: std::ops::Range<u16> = 20_000..32_768;

/// How many times a launcher starts a service again on a new port after its port was taken.
pub(crate) const PORT_ATTEMPTS: usize = 4;

struct Allocator {
    /// Every port handed out by this process, whether still in use or not.
    handed_out: BTreeSet<u16>,
    /// The lock of each of them, held until the process exits.
    locks: Vec<File>,
    /// Where the next search starts (random at first, so that processes spread out).
    next: Option<u32>,
}

static ALLOCATOR: Mutex<Allocator> = Mutex::new(Allocator {
    handed_out: BTreeSet::new(),
    locks: Vec::new(),
    next: None,
});

/// A loopback port no one uses, reserved for the caller for the rest of this process's life: no
/// other call here, nor in any other process of this user that uses this function, returns it.
pub fn free_port() -> u16 {
    let mut allocator = ALLOCATOR.lock().unwrap_or_else(|e| e.into_inner());
    let range = search_range();
    let width = u32::from(range.end - range.start);
    let start = *allocator.next.get_or_insert_with(|| random_u32() % width.max(1));
    let dir = lock_dir();
    for step in 0..width {
        let offset = (start + step) % width;
        let port = range.start + offset as u16;
        if allocator.handed_out.contains(&port) {
            continue;
        }
        // Another process holds it: skip. (Without a lock folder, the bind check and the retry
        // are all there is.)
        let lock = match &dir {
            Some(dir) => match try_lock(dir, port) {
                Some(lock) => Some(lock),
                None => continue,
            },
            None => None,
        };
        if !is_free(port) {
            continue; // the lock is dropped: something outside this scheme listens there
        }
        allocator.handed_out.insert(port);
        allocator.locks.extend(lock);
        allocator.next = Some(offset + 1);
        return port;
    }
    panic!("no free loopback port left in {range:?}")
}

/// Nothing listens on `port` on loopback, IPv4 or IPv6 (Vite's `localhost` may be `::1`).
pub(crate) fn is_free(port: u16) -> bool {
    let v4 = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok();
    let v6 = match TcpListener::bind((Ipv6Addr::LOCALHOST, port)) {
        Ok(_) => true,
        // No IPv6 on this machine: nothing can listen there.
        Err(e) => e.kind() == io::ErrorKind::AddrNotAvailable,
    };
    v4 && v6
}

/// Runs `start` on a port from [`free_port`], and again on a new one (up to [`PORT_ATTEMPTS`]
/// times) while it fails because something else took the port (`AddrInUse`).
pub fn retry_on_taken_port<T>(mut start: impl FnMut(u16) -> io::Result<T>) -> io::Result<T> {
    let mut attempt = 1;
    loop {
        match start(free_port()) {
            Err(e) if e.kind() == io::ErrorKind::AddrInUse && attempt < PORT_ATTEMPTS => attempt += 1,
            result => return result,
        }
    }
}

/// [`PREFERRED`], moved above the ephemeral range if that range covers it.
fn search_range() -> std::ops::Range<u16> {
    let ephemeral = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|text| {
            let mut parts = text.split_whitespace().map(|p| p.parse::<u16>().ok());
            Some((parts.next()??, parts.next()??))
        });
    match ephemeral {
        Some((low, _)) if low >= PREFERRED.end => PREFERRED,
        Some((low, _)) if low > PREFERRED.start + 1_000 => PREFERRED.start..low,
        Some((_, high)) if high < 64_000 => high + 1..65_535,
        _ => PREFERRED,
    }
}

/// The folder of the lock files, private to this user; `None` if it cannot be made.
fn lock_dir() -> Option<PathBuf> {
    // SAFETY: getuid(2) cannot fail.
    let uid = unsafe { libc::getuid() };
    let dir = std::env::temp_dir().join(format!("dev-stack-ports-{uid}"));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .ok()?;
    Some(dir)
}

/// The lock of `port`, if no other process holds it.
fn try_lock(dir: &std::path::Path, port: u16) -> Option<File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(port.to_string()))
        .ok()?;
    // SAFETY: flock(2) on a descriptor we own; released when the file is closed or we exit.
    let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
    locked.then_some(file)
}

fn random_u32() -> u32 {
    use std::io::Read;
    let mut bytes = [0u8; 4];
    match File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)) {
        Ok(()) => u32::from_ne_bytes(bytes),
        Err(_) => std::process::id(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_is_never_handed_out_twice_and_is_free() {
        let ports: Vec<u16> = (0..500).map(|_| free_port()).collect();
        let distinct: std::collections::HashSet<u16> = ports.iter().copied().collect();
        assert_eq!(distinct.len(), ports.len(), "a port handed out twice");
        let range = search_range();
        assert!(
            ports.iter().all(|p| range.contains(p)),
            "{ports:?} outside {range:?}"
        );
        assert!(ports.iter().all(|&p| is_free(p)), "each was free when handed out");
    }

    #[test]
    fn threads_asking_at_once_get_distinct_ports() {
        let threads: Vec<_> = (0..8)
            .map(|_| std::thread::spawn(|| (0..50).map(|_| free_port()).collect::<Vec<_>>()))
            .collect();
        let all: Vec<u16> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
        let distinct: std::collections::HashSet<u16> = all.iter().copied().collect();
        assert_eq!(distinct.len(), all.len());
    }

    #[test]
    fn a_port_someone_listens_on_is_skipped() {
        // Listeners outside the scheme on the ports the search would try next.
        let last = free_port();
        let listeners: Vec<TcpListener> = (1..=20)
            .filter_map(|n| TcpListener::bind((Ipv4Addr::LOCALHOST, last.checked_add(n)?)).ok())
            .collect();
        let bound: Vec<u16> = listeners.iter().map(|l| l.local_addr().unwrap().port()).collect();
        assert!(!bound.is_empty());
        for _ in 0..5 {
            let port = free_port();
            assert!(!bound.contains(&port), "{port} is listened on");
        }
    }

    #[test]
    fn a_reserved_port_is_not_given_to_another_process() {
        let dir = lock_dir().expect("a lock folder");
        let port = free_port();
        // util-linux's flock(1) stands for another process that wants the port.
        let other = std::process::Command::new("flock")
            .args(["--nonblock", "--conflict-exit-code", "7"])
            .arg(dir.join(port.to_string()))
            .arg("true")
            .status()
            .expect("flock(1) runs");
        assert_eq!(other.code(), Some(7), "{port} is reserved by this process");
    }

    #[test]
    fn a_start_that_finds_its_port_taken_is_retried_on_another() {
        let mut tried = Vec::new();
        let port = retry_on_taken_port(|port| {
            tried.push(port);
            if tried.len() < 3 {
                Err(io::Error::new(io::ErrorKind::AddrInUse, "taken meanwhile"))
            } else {
                Ok(port)
            }
        })
        .unwrap();
        assert_eq!(tried.len(), 3);
        assert_eq!(port, tried[2]);
        let distinct: std::collections::HashSet<u16> = tried.iter().copied().collect();
        assert_eq!(distinct.len(), 3, "a new port each time");

        let mut attempts = 0;
        let other = retry_on_taken_port(|_| -> io::Result<()> {
            attempts += 1;
            Err(io::Error::other("a build error"))
        });
        assert_eq!(
            (attempts, other.is_err()),
            (1, true),
            "other failures are not retried"
        );
    }
}
