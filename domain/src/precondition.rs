//! Conditional requests (RFC 9110 §8.8.3 and §13): a product's `ETag`, and the `If-Match` and
//! `If-None-Match` headers that compare with it.
//!
//! A product's representation shows its hash (name, price, on hand) and `available`, which
//! reservations change without touching the hash; so its entity tag is the pair of the hash's
//! `version` (incremented by every write to the hash) and the units reserved of it:
//! `"<version>.<reserved>"`. It is strong (the same tag means the same JSON) and opaque to
//! clients; the same representation may show the same tag again (an order placed, then
//! cancelled), which is what an entity tag means.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::validation::FieldError;

/// The header names, as the API spells them.
pub const ETAG: &str = "ETag";
pub const IF_MATCH: &str = "If-Match";
pub const IF_NONE_MATCH: &str = "If-None-Match";

/// A product's entity tag: `"<version>.<reserved>"`, quotes included (as the header carries it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ETag {
    version: u64,
    reserved: u64,
}

impl ETag {
    pub const fn new(version: u64, reserved: u64) -> Self {
        Self { version, reserved }
    }

    /// Incremented by every write to the product's hash.
    pub const fn version(self) -> u64 {
        self.version
    }

    /// Units reserved by placed orders the consumer has not taken yet.
    pub const fn reserved(self) -> u64 {
        self.reserved
    }

    /// The tag inside its quotes (`opaque-tag` without `W/`), if it is one of ours.
    fn parse_opaque(quoted: &str) -> Option<Self> {
        let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
        let (version, reserved) = inner.split_once('.')?;
        let number = |text: &str| {
            let digits = !text.is_empty() && text.len() <= 19 && text.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| text.parse().ok()).flatten()
        };
        Some(Self::new(number(version)?, number(reserved)?))
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}.{}\"", self.version, self.reserved)
    }
}

impl Serialize for ETag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a conditional header asks for: any current representation (`*`), or one of these tags.
/// Tags that are well formed but not ours (`"nope"`) can never match, so they are dropped: an
/// empty list is a condition that is always false.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Any,
    OneOf(Vec<ETag>),
}

impl Condition {
    /// `If-Match` (strong comparison: a weak tag `W/"…"` never matches). A header that is no
    /// list of entity tags is a 422 naming it.
    pub fn if_match(header: &str) -> Result<Self, FieldError> {
        Self::parse(IF_MATCH, header, false)
    }

    /// `If-None-Match` (weak comparison: `W/` is ignored).
    pub fn if_none_match(header: &str) -> Result<Self, FieldError> {
        Self::parse(IF_NONE_MATCH, header, true)
    }

    /// Whether `current` satisfies it (for `If-None-Match`: whether the client's copy is current).
    pub fn matches(&self, current: ETag) -> bool {
        match self {
            Self::Any => true,
            Self::OneOf(tags) => tags.contains(&current),
        }
    }

    /// `*`, or a comma-separated list of `[W/]"<etagc>*"` (RFC 9110 §8.8.3); `weak_ok` keeps
    /// weak tags (compared by their opaque part), else they are dropped.
    fn parse(header: &str, text: &str, weak_ok: bool) -> Result<Self, FieldError> {
        let text = text.trim_matches([' ', '\t']);
        if text == "*" {
            return Ok(Self::Any);
        }
        let bad = || {
            FieldError::new(
                header,
                format!("{header} must be * or a list of quoted entity tags, as the ETag header gives them"),
            )
        };
        let mut tags = Vec::new();
        let mut any = false;
        for item in text.split(',') {
            let item = item.trim_matches([' ', '\t']);
            // Empty list elements are allowed by the list syntax (RFC 9110 §5.6.1).
            if item.is_empty() {
                continue;
            }
            let (weak, opaque) = match item.strip_prefix("W/") {
                Some(rest) => (true, rest),
                None => (false, item),
            };
            let etagc = |b: u8| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80;
            let quoted = opaque.len() >= 2
                && opaque.starts_with('"')
                && opaque.ends_with('"')
                && opaque.as_bytes()[1..opaque.len() - 1].iter().all(|&b| etagc(b));
            if !quoted {
                return Err(bad());
            }
            any = true;
            if weak && !weak_ok {
                continue;
            }
            if let Some(tag) = ETag::parse_opaque(opaque) {
                tags.push(tag);
            }
        }
        if !any {
            return Err(bad());
        }
        Ok(Self::OneOf(tags))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_etag_reads_back_from_either_header() {
        let tag = ETag::new(7, 3);
        assert_eq!(tag.to_string(), "\"7.3\"");
        assert_eq!(serde_json::to_value(tag).unwrap(), serde_json::json!("\"7.3\""));
        assert_eq!(
            Condition::if_match("\"7.3\"").unwrap(),
            Condition::OneOf(vec![tag])
        );
        assert!(Condition::if_match(" \"1.0\", \"7.3\" ").unwrap().matches(tag));
        assert!(Condition::if_match("*").unwrap().matches(tag));
        assert!(!Condition::if_match("\"7.2\"").unwrap().matches(tag));
    }

    #[test]
    fn tags_that_are_not_ours_or_weak_never_match_a_strong_comparison() {
        let tag = ETag::new(7, 3);
        for never in ["\"nope\"", "W/\"7.3\"", "\"7.3.1\"", "\"\"", "\"-1.3\""] {
            let condition = Condition::if_match(never).unwrap();
            assert!(!condition.matches(tag), "{never}");
        }
        assert!(
            Condition::if_none_match("W/\"7.3\"").unwrap().matches(tag),
            "weak comparison"
        );
    }

    #[test]
    fn a_header_that_is_no_list_of_tags_is_refused_naming_it() {
        for bad in ["7.3", "", ",", "\"7.3", "W/7.3", "\"a b\"", "**", "\"7.3\" x"] {
            assert_eq!(Condition::if_match(bad).unwrap_err().field, IF_MATCH, "{bad:?}");
        }
        assert_eq!(Condition::if_none_match("nope").unwrap_err().field, IF_NONE_MATCH);
    }
}
