//! Pages of a list: at most `limit` items after an opaque `cursor` (where the previous page
//! ended). A cursor names the last item seen by its place in the index (creation time and id), not
//! by its rank, so pages stay stable while items are added or deleted between them: nothing that
//! existed throughout is skipped or repeated.

use std::fmt;

use crate::validation::FieldError;
use crate::Id;

/// Where a page ended: the index score (creation time, ms) and id of its last item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub score: u64,
    pub id: Id,
}

impl Cursor {
    /// `<score>-<id>` as `Display` writes it; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let (score, id) = text.split_once('-')?;
        let score_ok = !score.is_empty() && score.len() <= 16 && score.bytes().all(|b| b.is_ascii_digit());
        Some(Self {
            score: score_ok.then(|| score.parse().ok()).flatten()?,
            // Exactly the 26 characters `Display` writes (no spaces that `Id::parse` would trim).
            id: Id::parse(id).filter(|_| id.len() == 26)?,
        })
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.score, self.id)
    }
}

/// `?limit=N&cursor=C` of a list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// The most items one page holds (one Redis round trip reads them all).
    pub const MAX_LIMIT: u32 = 500;

    /// From the query's `limit` (1 to `MAX_LIMIT`, `default` when absent) and `cursor`.
    pub fn parse(limit: Option<&str>, cursor: Option<&str>, default: u32) -> Result<Self, FieldError> {
        let limit = match limit {
            None => default,
            Some(text) => text
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=Self::MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    FieldError::new(
                        "limit",
                        format!("limit must be a whole number from 1 to {}", Self::MAX_LIMIT),
                    )
                })?,
        };
        let after = cursor
            .map(|text| {
                Cursor::parse(text).ok_or_else(|| {
                    FieldError::new(
                        "cursor",
                        "cursor must be one that a previous page's Link header gave",
                    )
                })
            })
            .transpose()?;
        Ok(Self { limit, after })
    }
}

/// One page, and where the next one starts (`None`: this is the last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// The same page with each item turned into another; those `f` cannot turn are left out
    /// (the next page still starts where this one ended).
    pub fn filter_map<U>(self, f: impl FnMut(T) -> Option<U>) -> Page<U> {
        Page {
            items: self.items.into_iter().filter_map(f).collect(),
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back() {
        let cursor = Cursor {
            score: 1_795_623_553_161,
            id: Id::generate(1_795_623_553_161, [7; 10]),
        };
        assert_eq!(Cursor::parse(&cursor.to_string()), Some(cursor));
        for bad in [
            "",
            "-",
            "12-",
            "-01JDQ3T0X6M6V1W3C6W7N5K8ZP",
            "x-01JDQ3T0X6M6V1W3C6W7N5K8ZP",
            "1-nope",
            "1- 01JDQ3T0X6M6V1W3C6W7N5K8Z",
        ] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn limits_and_cursors_are_checked() {
        assert_eq!(PageRequest::parse(None, None, 50).unwrap().limit, 50);
        assert_eq!(PageRequest::parse(Some("500"), None, 50).unwrap().limit, 500);
        for bad in ["0", "501", "-1", "1.0", "x", ""] {
            assert_eq!(
                PageRequest::parse(Some(bad), None, 50).unwrap_err().field,
                "limit",
                "{bad}"
            );
        }
        assert_eq!(
            PageRequest::parse(None, Some("junk"), 50).unwrap_err().field,
            "cursor"
        );
    }
}
