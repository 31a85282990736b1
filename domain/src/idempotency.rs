//! `Idempotency-Key`, as Stripe defines it: a client's name for one attempt at an operation, so
//! that retrying it (after a timeout, a dropped connection) cannot do it twice.

use std::fmt;

use crate::validation::FieldError;

/// The header, as the API spells it.
pub const HEADER: &str = "Idempotency-Key";

/// How long a key is remembered: a retry later than this is a new request.
pub const TTL_SECONDS: u64 = 24 * 60 * 60;

/// 1 to 255 printable ASCII characters (space included, as Stripe allows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_LEN: usize = 255;

    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let printable = text.bytes().all(|b| (0x20..=0x7e).contains(&b));
        if text.is_empty() || text.len() > Self::MAX_LEN || !printable {
            return Err(FieldError::new(
                HEADER,
                format!(
                    "{HEADER} must be 1 to {} printable ASCII characters",
                    Self::MAX_LEN
                ),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_printable_ascii_up_to_255() {
        assert!(IdempotencyKey::parse("checkout 7f3a-01").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
        for bad in ["", "é", "a\nb", "tab\there"] {
            assert_eq!(IdempotencyKey::parse(bad).unwrap_err().field, HEADER, "{bad:?}");
        }
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
    }
}
