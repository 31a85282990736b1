//! Whether a service answers on its port, as a user would see it: its process may be alive while
//! its port hangs (a worker whose workerd was killed: wrangler restarts its runtime, and the port
//! accepts connections and never answers).

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How to ask a service whether it answers: plain data, so that probes run on threads of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub port: u16,
    pub kind: ProbeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeKind {
    /// `PING`, answered `+PONG`.
    Redis,
    /// `GET <path>`, answered with any HTTP status (a 401 or a 503 is an answer: the port works).
    Http(&'static str),
}

impl Probe {
    pub fn redis(port: u16) -> Self {
        Self {
            port,
            kind: ProbeKind::Redis,
        }
    }

    pub fn http(port: u16, path: &'static str) -> Self {
        Self {
            port,
            kind: ProbeKind::Http(path),
        }
    }

    /// Asks once; an error says what went wrong (refused, no answer within `timeout`, …).
    pub fn ask(&self, timeout: Duration) -> io::Result<()> {
        self.ask_once(timeout).map_err(|e| match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => io::Error::new(
                io::ErrorKind::TimedOut,
                format!("no answer within {} s", timeout.as_secs_f32()),
            ),
            _ => e,
        })
    }

    fn ask_once(&self, timeout: Duration) -> io::Result<()> {
        let deadline = Instant::now() + timeout;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
        let (request, expected) = match self.kind {
            ProbeKind::Redis => ("PING\r\n".to_owned(), "+PONG"),
            ProbeKind::Http(path) => (
                format!(
                    "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                    self.port
                ),
                "HTTP/1.",
            ),
        };
        stream.set_write_timeout(Some(timeout))?;
        stream.write_all(request.as_bytes())?;
        let mut answer = Vec::new();
        let mut chunk = [0u8; 64];
        while answer.len() < expected.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "no answer"));
            }
            stream.set_read_timeout(Some(left))?;
            match stream.read(&mut chunk)? {
                0 => break,
                n => answer.extend_from_slice(&chunk[..n]),
            }
        }
        if answer.starts_with(expected.as_bytes()) {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "answered {:?}",
                String::from_utf8_lossy(&answer)
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn a_port_that_accepts_and_never_answers_does_not_answer() {
        // What a worker's port looked like after its workerd was killed.
        let hung = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = hung.local_addr().unwrap().port();
        let asked = Instant::now();
        let err = Probe::http(port, "/health")
            .ask(Duration::from_millis(300))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
        assert!(asked.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn any_http_status_is_an_answer_and_a_closed_port_is_not() {
        let server = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = server.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for mut conn in server.incoming().map_while(Result::ok) {
                let _ = conn.read(&mut [0u8; 256]);
                let _ = conn.write_all(b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n");
            }
        });
        Probe::http(port, "/").ask(Duration::from_secs(5)).unwrap();
        let closed = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let closed_port = closed.local_addr().unwrap().port();
        drop(closed);
        assert!(Probe::http(closed_port, "/").ask(Duration::from_secs(5)).is_err());
    }
}
