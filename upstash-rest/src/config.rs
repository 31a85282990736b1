//! Where the database is and how to talk to it.

use crate::{Error, RetryPolicy};

/// Client settings. `Debug` never prints the token. Responses always come base64-encoded (exact
/// bytes) and every request carries the latest `upstash-sync-token` (read-your-writes), as in the
/// official clients.
#[derive(Clone)]
pub struct Config {
    pub(crate) url: String,
    pub(crate) token: String,
    pub retry: RetryPolicy,
    /// The most time one call may take, retries included; a call out of time fails as
    /// `Transport` (possibly sent). `None`: no budget beyond each attempt's transport limit.
    pub budget_ms: Option<u64>,
}

impl Config {
    /// `url` must start with `http://` or `https://`; one trailing `/` is dropped.
    pub fn new(url: impl Into<String>, token: impl Into<String>) -> Result<Self, Error> {
        let mut url = url.into();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::Config(format!(
                "URL must start with http:// or https://, got {url:?}"
            )));
        }
        if url.ends_with('/') {
            url.pop();
        }
        Ok(Self {
            url,
            token: token.into(),
            retry: RetryPolicy::default(),
            budget_ms: None,
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Every call (its retries included) answers within `ms`, or fails.
    pub fn with_budget_ms(mut self, ms: u64) -> Self {
        self.budget_ms = Some(ms);
        self
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .field("retry", &self.retry)
            .field("budget_ms", &self.budget_ms)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_rules() {
        assert_eq!(
            Config::new("https://x.upstash.io/", "t").unwrap().url(),
            "https://x.upstash.io"
        );
        assert_eq!(
            Config::new("http://127.0.0.1:8079", "t").unwrap().url(),
            "http://127.0.0.1:8079"
        );
        assert!(matches!(Config::new("x.upstash.io", "t"), Err(Error::Config(_))));
        assert!(matches!(Config::new("ftp://x", "t"), Err(Error::Config(_))));
    }

    #[test]
    fn debug_hides_token() {
        let c = Config::new("https://x", "very-secret").unwrap();
        assert!(!format!("{c:?}").contains("very-secret"));
    }
}
