//! A worker's log file as one JSON object a line, so that `jq` and any log tool read it whole, as
//! Workers Logs reads the same lines in production. What `wrangler dev` prints goes through here:
//! - a worker's own line (already one JSON object) is written as the worker logged it, without
//!   what wrangler adds around `console.error` and `console.warn` (colour codes and its
//!   "✘ [ERROR]" / "▲ [WARNING]" mark);
//! - wrangler's own lines (its banner, the bindings table, "[wrangler:info] GET / 200 OK",
//!   reloads, "Workers runtime crashed") are kept, not dropped, because some of them say why a
//!   worker misbehaved: each is wrapped as `{"ts","source":"wrangler","level","message"}`, colour
//!   codes removed;
//! - blank lines are left out.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Child;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

/// A worker's log file, opened for appending (a restart must not erase why it died).
#[derive(Clone)]
pub(crate) struct JsonLog {
    file: Arc<Mutex<File>>,
}

impl JsonLog {
    /// Opens `path` and writes a line saying that `what` starts now.
    pub(crate) fn open(path: &Path, what: &str) -> io::Result<Self> {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        let log = Self {
            file: Arc::new(Mutex::new(file)),
        };
        let line = json!({"ts": now(), "source": "dev-stack", "level": "info", "message": format!("starting {what}")});
        log.write(&line.to_string())?;
        Ok(log)
    }

    /// Copies the child's stdout and stderr (both piped) into the log, line by line, until the
    /// child and what it started (workerd) have closed them.
    pub(crate) fn follow(&self, child: &mut Child) {
        if let Some(out) = child.stdout.take() {
            self.copy_in_background(out);
        }
        if let Some(err) = child.stderr.take() {
            self.copy_in_background(err);
        }
    }

    fn copy_in_background(&self, from: impl Read + Send + 'static) {
        let log = self.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(from);
            let mut raw = Vec::new();
            // Lossy: one badly encoded byte must not stop the copy (or lose the rest of the line).
            while reader.read_until(b'\n', &mut raw).is_ok_and(|n| n > 0) {
                if let Some(line) = json_line(&String::from_utf8_lossy(&raw), &now()) {
                    let _ = log.write(&line);
                }
                raw.clear();
            }
        });
    }

    /// One whole line in one write, so that the stdout and stderr copies never interleave inside
    /// a line.
    fn write(&self, line: &str) -> io::Result<()> {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(format!("{line}\n").as_bytes())
    }
}

fn now() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    domain::time::rfc3339(ms)
}

/// The JSON line for one line `wrangler dev` printed (`ts`: now), `None` for a blank one.
pub(crate) fn json_line(printed: &str, ts: &str) -> Option<String> {
    // anstream (already in the workspace through clap) strips every ANSI escape, not only colours.
    let plain = anstream::adapter::strip_str(printed).to_string();
    let plain = plain.trim();
    let (level, text) = if let Some(rest) = plain.strip_prefix("✘ [ERROR]") {
        ("error", rest.trim_start())
    } else if let Some(rest) = plain.strip_prefix("▲ [WARNING]") {
        ("warn", rest.trim_start())
    } else if let Some((level, rest)) = plain
        .strip_prefix("[wrangler:")
        .and_then(|rest| rest.split_once("] "))
    {
        (level, rest)
    } else {
        ("info", plain)
    };
    if text.is_empty() {
        return None;
    }
    match serde_json::from_str::<Value>(text) {
        // A worker's own line: the level is its own, inside it.
        Ok(Value::Object(_)) => Some(text.to_owned()),
        _ => Some(json!({"ts": ts, "source": "wrangler", "level": level, "message": text}).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::json_line;
    use serde_json::{json, Value};

    fn parsed(printed: &str) -> Value {
        serde_json::from_str(&json_line(printed, "T").expect("a line")).expect("JSON")
    }

    #[test]
    fn a_workers_error_line_loses_what_wrangler_wrapped_it_in() {
        let line = r#"{"level":"error","status":500}"#;
        let printed =
            format!("\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1m{line}\x1b[0m\n");
        assert_eq!(json_line(&printed, "T").as_deref(), Some(line));
        let warned =
            format!("\x1b[33m▲ \x1b[43;33m[\x1b[43;30mWARNING\x1b[43;33m]\x1b[0m \x1b[1m{line}\x1b[0m");
        assert_eq!(json_line(&warned, "T").as_deref(), Some(line));
        assert_eq!(json_line(&format!("{line}\n"), "T").as_deref(), Some(line));
    }

    #[test]
    fn wranglers_own_lines_are_wrapped_with_their_level() {
        assert_eq!(
            parsed("[wrangler:info] GET /products 200 OK (31ms)\n"),
            json!({"ts": "T", "source": "wrangler", "level": "info", "message": "GET /products 200 OK (31ms)"})
        );
        let warning = parsed(
            "\x1b[33m▲ \x1b[43;33m[\x1b[43;30mWARNING\x1b[43;33m]\x1b[0m \x1b[1mScheduled Workers are not automatically triggered\x1b[0m",
        );
        assert_eq!(
            (&warning["level"], &warning["message"]),
            (
                &json!("warn"),
                &json!("Scheduled Workers are not automatically triggered")
            )
        );
        assert_eq!(parsed(" ⛅️ wrangler 4.164.0")["message"], "⛅️ wrangler 4.164.0");
        // JSON that is not an object is wrangler's text, not a worker's line.
        assert_eq!(parsed("42")["message"], "42");
        assert_eq!(json_line("\n", "T"), None);
        assert_eq!(json_line("\x1b[0m  \n", "T"), None);
    }
}
