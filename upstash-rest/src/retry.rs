//! When and how long to wait before trying a request again (doc §7.3).

/// Retries transport failures with exponential backoff `base_ms · e^i` (50, 136, 369, 1004,
/// 2730 ms by default, as @upstash/redis). Requests whose effect is unknown are retried only when
/// idempotent; HTTP answers (4xx, and 5xx too, so that a worker whose Redis is down fails fast and
/// answers 503 itself), Redis and quota errors are never retried.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    pub base_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retries: 5,
            base_ms: 50.0,
        }
    }
}

impl RetryPolicy {
    /// One attempt only.
    pub fn none() -> Self {
        Self {
            retries: 0,
            ..Self::default()
        }
    }

    pub fn with_retries(retries: u32) -> Self {
        Self {
            retries,
            ..Self::default()
        }
    }

    /// Milliseconds to wait before retry number `attempt` (0-based).
    pub fn backoff_ms(&self, attempt: u32) -> u64 {
        (self.base_ms * f64::from(attempt).exp()).round() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_matches_the_js_client() {
        let p = RetryPolicy::default();
        let waits: Vec<u64> = (0..5).map(|i| p.backoff_ms(i)).collect();
        assert_eq!(waits, [50, 136, 369, 1004, 2730]);
        assert!(waits.iter().sum::<u64>() < 4500);
        assert_eq!(RetryPolicy::none().retries, 0);
    }
}
