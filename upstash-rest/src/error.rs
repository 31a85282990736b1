//! The one error type of the crate: callers branch on *what kind* of failure happened
//! (retry later, fix the request, page someone) without parsing strings.

/// Everything that can go wrong talking to Upstash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Redis rejected the command (`{"error":"ERR ..."}` on a 400, or an error entry in a
    /// pipeline/transaction), e.g. `WRONGTYPE ...`, `NOSCRIPT ...`, `EXECABORT ...`.
    #[error("redis error: {0}")]
    Redis(String),
    /// The token was refused (401/403).
    #[error("unauthorized: {0}")]
    Auth(String),
    /// An Upstash plan limit or quota was hit. Retrying soon will not help.
    #[error("quota exceeded ({kind:?}): {message}")]
    Quota { kind: QuotaKind, message: String },
    /// The HTTP request could not be made or the connection broke.
    /// `maybe_sent` is false only when the request certainly never reached the server
    /// (e.g. connection refused), so its effect is known not to have happened.
    #[error("transport error (request {}): {message}", if *.maybe_sent { "may have been sent" } else { "not sent" })]
    Transport { message: String, maybe_sent: bool },
    /// The REST endpoint answered 5xx: the gateway or Upstash cannot reach Redis right now; or
    /// Redis itself answered that it cannot serve yet ([`UNAVAILABLE_CODES`]; `status` 503).
    #[error("service unavailable (HTTP {status}): {message}")]
    Unavailable { status: u16, message: String },
    /// The response could not be understood: not JSON (first 200 chars kept), no `result`,
    /// bad base64, or a reply whose shape does not fit the typed helper.
    #[error("undecodable response: {0}")]
    Decode(String),
    /// The request could not be built (e.g. an argument that is not UTF-8: JSON bodies carry text).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Bad configuration (URL scheme, missing environment variable).
    #[error("invalid config: {0}")]
    Config(String),
}

/// Which Upstash limit was hit (doc §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaKind {
    MonthlyRequests,
    DailyRequests,
    RequestSize,
    RecordSize,
    KeySize,
    DbCapacity,
    ConcurrentConnections,
    /// A consumer's stream pending entries list is full: XACK before reading more.
    PendingEntries,
}

/// Message prefixes Upstash uses for its limits, most specific first.
const QUOTA_PREFIXES: &[(&str, QuotaKind)] = &[
    ("ERR max requests limit exceeded", QuotaKind::MonthlyRequests),
    ("ERR max daily request limit exceeded", QuotaKind::DailyRequests),
    ("ERR max request size exceeded", QuotaKind::RequestSize),
    ("ERR max single record size exceeded", QuotaKind::RecordSize),
    ("ERR max key size exceeded", QuotaKind::KeySize),
    ("ERR DB capacity quota exceeded", QuotaKind::DbCapacity),
    (
        "ERR max concurrent connections exceeded",
        QuotaKind::ConcurrentConnections,
    ),
    (
        "ERR XReadGroup is cancelled. Pending Entries List limit",
        QuotaKind::PendingEntries,
    ),
];

/// Redis errors that say the server cannot serve right now, not that the command is wrong:
/// `LOADING` (a restarted server still reading its data back: the local stack's redis-server
/// after a crash), `BUSY` (a script past its time limit), `MASTERDOWN` and `TRYAGAIN` (a
/// failover under way). Nothing ran; a retry shortly will do, so they are `Unavailable`.
pub const UNAVAILABLE_CODES: [&str; 4] = ["LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN"];

impl Error {
    /// Classifies an error string from a `{"error": ...}` body or entry.
    pub fn from_redis_message(message: impl Into<String>) -> Self {
        let message = message.into();
        let code = message.split(' ').next().unwrap_or_default();
        if UNAVAILABLE_CODES.contains(&code) {
            return Error::Unavailable { status: 503, message };
        }
        match QUOTA_PREFIXES
            .iter()
            .find(|(prefix, _)| message.starts_with(prefix))
        {
            Some(&(_, kind)) => Error::Quota { kind, message },
            None => Error::Redis(message),
        }
    }

    /// True for a Redis error whose message starts with `code` (e.g. "NOSCRIPT", "BUSYGROUP").
    pub fn is_redis_code(&self, code: &str) -> bool {
        matches!(self, Error::Redis(m) if m.split(' ').next().is_some_and(|c| c.eq_ignore_ascii_case(code)))
    }

    pub(crate) fn decode(what: impl std::fmt::Display) -> Self {
        Error::Decode(what.to_string())
    }

    /// Replaces every occurrence of `secret` in the message (defence in depth: we never put the
    /// token in a message ourselves, but a proxy or transport library might echo it).
    pub(crate) fn redact(self, secret: &str) -> Self {
        if secret.is_empty() {
            return self;
        }
        let r = |s: String| {
            if s.contains(secret) {
                s.replace(secret, "<redacted>")
            } else {
                s
            }
        };
        match self {
            Error::Redis(m) => Error::Redis(r(m)),
            Error::Auth(m) => Error::Auth(r(m)),
            Error::Quota { kind, message } => Error::Quota {
                kind,
                message: r(message),
            },
            Error::Transport { message, maybe_sent } => Error::Transport {
                message: r(message),
                maybe_sent,
            },
            Error::Unavailable { status, message } => Error::Unavailable {
                status,
                message: r(message),
            },
            Error::Decode(m) => Error::Decode(r(m)),
            Error::InvalidRequest(m) => Error::InvalidRequest(r(m)),
            Error::Config(m) => Error::Config(r(m)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_that_cannot_serve_yet_is_unavailable_not_a_bug() {
        for message in [
            "LOADING Redis is loading the dataset in memory",
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
            "TRYAGAIN Multiple keys request during rehashing of slot",
        ] {
            let e = Error::from_redis_message(message);
            assert!(
                matches!(&e, Error::Unavailable { status: 503, message: m } if m == message),
                "{e:?}"
            );
        }
        // A code that only begins alike, and an error of the command, stay Redis errors.
        assert!(matches!(
            Error::from_redis_message("BUSYGROUP Consumer Group name already exists"),
            Error::Redis(_)
        ));
        assert!(matches!(
            Error::from_redis_message("ERR unknown command 'FOO'"),
            Error::Redis(_)
        ));
    }

    #[test]
    fn quota_strings_are_classified() {
        // What Upstash answers, word for word with the limits it appends, by the kind it is.
        let answers = [
            (QuotaKind::MonthlyRequests, "ERR max requests limit exceeded. Limit: 500000, Usage: 500000"),
            (QuotaKind::DailyRequests, "ERR max daily request limit exceeded. Limit: 10000, Usage: 10000"),
            (QuotaKind::RequestSize, "ERR max request size exceeded. Limit: 1048576 bytes"),
            (QuotaKind::RecordSize, "ERR max single record size exceeded"),
            (QuotaKind::KeySize, "ERR max key size exceeded. Limit: 32768 bytes, Actual: 40000 bytes"),
            (QuotaKind::DbCapacity, "ERR DB capacity quota exceeded"),
            (QuotaKind::ConcurrentConnections, "ERR max concurrent connections exceeded"),
            (
                QuotaKind::PendingEntries,
                "ERR XReadGroup is cancelled. Pending Entries List limit per consumer is about to be reached. Limit: 1000, Current PEL size: 1000",
            ),
        ];
        for (kind, message) in answers {
            let quota = Error::Quota {
                kind,
                message: message.into(),
            };
            assert_eq!(Error::from_redis_message(message), quota, "{message}");
        }
    }

    #[test]
    fn other_messages_are_redis_errors() {
        let e = Error::from_redis_message("ERR wrong number of arguments for 'get' command");
        assert!(matches!(e, Error::Redis(_)));
        assert!(
            Error::from_redis_message("NOSCRIPT No matching script. Please use EVAL.")
                .is_redis_code("noscript")
        );
        assert!(!Error::Redis("ERR x".into()).is_redis_code("NOSCRIPT"));
    }

    #[test]
    fn redact_hides_the_secret() {
        let e = Error::Transport {
            message: "GET http://h/?_token=s3cret failed".into(),
            maybe_sent: true,
        }
        .redact("s3cret");
        assert!(!e.to_string().contains("s3cret"), "{e}");
        assert!(e.to_string().contains("may have been sent"));
    }
}
