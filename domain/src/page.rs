//! Pages of a list: at most `limit` items after an opaque `cursor` (where the previous page
//! ended). A cursor names the last item seen by its place in the index (creation time and id), not
//! by its rank, so pages stay stable while items are added or deleted between them: nothing that
//! existed throughout is skipped or repeated. Its text also names the list it belongs to, so that a
//! cursor of one list is never read as a place in another.

use std::fmt;

use crate::validation::FieldError;
use crate::Id;

/// The lists that come in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Products,
    Orders,
}

impl Listing {
    /// The tag its cursors start with: the list's path, `products` or `orders`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Products => "products",
            Self::Orders => "orders",
        }
    }

    /// The pattern of its cursors, as the OpenAPI documents publish it: `<list>.<score>-<id>`, at
    /// least as wide as what `Cursor::parse` takes (which also checks the id), so that a client
    /// that validates never refuses a cursor a `Link` gave.
    pub fn cursor_pattern(self) -> String {
        format!("^{}\\.[0-9]{{1,16}}-[0-9A-Za-z]{{26}}$", self.name())
    }

    fn of_name(name: &str) -> Option<Self> {
        [Self::Products, Self::Orders]
            .into_iter()
            .find(|l| l.name() == name)
    }
}

/// Where a page ended: the index score (creation time, ms) and id of its last item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub score: u64,
    pub id: Id,
}

impl Cursor {
    /// The cursor's text in `list`'s links: `<list>.<score>-<id>`.
    pub fn text(&self, list: Listing) -> String {
        format!("{}.{self}", list.name())
    }

    /// A cursor of `list` from its text (`text` writes it); the error says whether it belongs to
    /// another list or is no cursor at all.
    pub fn parse(list: Listing, text: &str) -> Result<Self, FieldError> {
        let (tag, place) = text.split_once('.').unwrap_or(("", text));
        let of_list = Listing::of_name(tag);
        match (of_list, Self::parse_place(place)) {
            (Some(tagged), Some(cursor)) if tagged == list => Ok(cursor),
            (Some(other), Some(_)) => Err(another_lists(other.name(), list.name())),
            _ => Err(no_cursor()),
        }
    }

    /// `<score>-<id>` as `Display` writes it; anything else is `None`.
    fn parse_place(text: &str) -> Option<Self> {
        let (score, id) = text.split_once('-')?;
        let score_ok = !score.is_empty() && score.len() <= 16 && score.bytes().all(|b| b.is_ascii_digit());
        Some(Self {
            score: score_ok.then(|| score.parse().ok()).flatten()?,
            // Exactly the 26 characters `Display` writes (no spaces that `Id::parse` would trim).
            id: Id::parse(id).filter(|_| id.len() == 26)?,
        })
    }
}

/// The place only (`<score>-<id>`): `text` adds the list.
impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.score, self.id)
    }
}

/// A cursor of the list `tag`, sent to the list `list`.
fn another_lists(tag: &str, list: &str) -> FieldError {
    let message =
        format!("cursor is one of the {tag} list, not of {list}: take it from this list's Link header");
    FieldError::new("cursor", message)
}

fn no_cursor() -> FieldError {
    FieldError::new(
        "cursor",
        "cursor must be one that a previous page's Link header gave",
    )
}

/// `?limit=N&cursor=C` of a list request: of an index (`C` a [`Cursor`]) or of a stream (an
/// [`EntryId`], [`EntryPageRequest`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest<C = Cursor> {
    pub limit: u32,
    pub after: Option<C>,
}

impl PageRequest {
    /// The most items one page holds (one Redis round trip reads them all).
    pub const MAX_LIMIT: u32 = 500;

    /// From the query's `limit` (1 to `MAX_LIMIT`, `default` when absent) and `cursor`: its text
    /// and the list it must be a cursor of.
    pub fn parse(
        limit: Option<&str>,
        cursor: Option<(Listing, &str)>,
        default: u32,
    ) -> Result<Self, FieldError> {
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
        let after = cursor.map(|(list, text)| Cursor::parse(list, text)).transpose()?;
        Ok(Self { limit, after })
    }
}

/// One page, and where the next one starts (`None`: this is the last): after a [`Cursor`] in an
/// index, or after an [`EntryId`] in a stream ([`EntryPage`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, C = Cursor> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

impl<T, C> Page<T, C> {
    /// The same page with each item turned into another; those `f` cannot turn are left out
    /// (the next page still starts where this one ended).
    pub fn filter_map<U>(self, f: impl FnMut(T) -> Option<U>) -> Page<U, C> {
        Page {
            items: self.items.into_iter().filter_map(f).collect(),
            next: self.next,
        }
    }
}

/// Where a page of a stream ended (the ledger, the dead letters): a Redis stream entry id,
/// `<ms>-<seq>`. Streams are ordered by it and it is never reused, so pages after it stay stable
/// while entries are added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EntryId {
    pub ms: u64,
    pub seq: u64,
}

impl EntryId {
    /// `<ms>-<seq>`, both parts digits (at most 20), as Redis writes it; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let (ms, seq) = text.split_once('-')?;
        let number = |t: &str| {
            let ok = !t.is_empty() && t.len() <= 20 && t.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| t.parse::<u64>().ok()).flatten()
        };
        Some(Self {
            ms: number(ms)?,
            seq: number(seq)?,
        })
    }

    /// The pattern of the cursors of these stream lists, as the OpenAPI documents publish it:
    /// `<list>.<ms>-<seq>`, as wide as what [`EntryPageRequest::of_stream`] takes.
    pub fn cursor_pattern(lists: &[String]) -> String {
        let names = match lists {
            [one] => one.clone(),
            _ => format!("({})", lists.join("|")),
        };
        format!("^{names}\\.[0-9]{{1,20}}-[0-9]{{1,20}}$")
    }

    /// The cursor text of a page of `list` that ended here: `<list>.<ms>-<seq>`, so that a cursor
    /// of one list is never read as a place in another.
    pub fn cursor(self, list: &str) -> String {
        format!("{list}.{self}")
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// `?limit=N&cursor=C` of a list of stream entries; `list` names it in its cursors.
pub type EntryPageRequest = PageRequest<EntryId>;

impl EntryPageRequest {
    /// From the query's `limit` (1 to `PageRequest::MAX_LIMIT`, `default` when absent) and
    /// `cursor` (one of `list`'s, as [`EntryId::cursor`] writes it).
    pub fn of_stream(
        limit: Option<&str>,
        cursor: Option<&str>,
        default: u32,
        list: &str,
    ) -> Result<Self, FieldError> {
        let limit = PageRequest::<Cursor>::parse(limit, None, default)?.limit;
        let after = cursor
            .map(|text| {
                let (tag, place) = text.split_once('.').unwrap_or(("", text));
                match EntryId::parse(place) {
                    Some(id) if tag == list => Ok(id),
                    Some(_) if !tag.is_empty() => Err(another_lists(tag, list)),
                    _ => Err(no_cursor()),
                }
            })
            .transpose()?;
        Ok(Self { limit, after })
    }
}

/// One page of stream entries, and the last one's id when more remain.
pub type EntryPage<T> = Page<T, EntryId>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_in_their_own_list_only() {
        let cursor = Cursor {
            score: 1_795_623_553_161,
            id: Id::generate(1_795_623_553_161, [7; 10]),
        };
        let text = cursor.text(Listing::Orders);
        assert_eq!(text, format!("orders.1795623553161-{}", cursor.id));
        assert_eq!(Cursor::parse(Listing::Orders, &text), Ok(cursor.clone()));
        let elsewhere = Cursor::parse(Listing::Products, &text).unwrap_err();
        assert_eq!(elsewhere.field, "cursor");
        assert!(elsewhere.message.contains("orders list"), "{}", elsewhere.message);
        let pattern = regex::Regex::new(&Listing::Products.cursor_pattern()).unwrap();
        assert!(pattern.is_match(&cursor.text(Listing::Products)) && !pattern.is_match(&text));
        for bad in [
            "",
            "-",
            "12-",
            "products.",
            "products.-01JDQ3T0X6M6V1W3C6W7N5K8ZP",
            "products.x-01JDQ3T0X6M6V1W3C6W7N5K8ZP",
            "products.1-nope",
            "products.1- 01JDQ3T0X6M6V1W3C6W7N5K8Z",
            "1-01JDQ3T0X6M6V1W3C6W7N5K8ZP",
            "shelves.1-01JDQ3T0X6M6V1W3C6W7N5K8ZP",
        ] {
            let e = Cursor::parse(Listing::Products, bad).unwrap_err();
            assert!(e.message.contains("Link header gave"), "{bad}: {}", e.message);
            assert!(!pattern.is_match(bad), "{bad}");
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
            PageRequest::parse(None, Some((Listing::Orders, "junk")), 50)
                .unwrap_err()
                .field,
            "cursor"
        );
    }

    #[test]
    fn entry_cursors_name_their_list() {
        let id = EntryId::parse("1795623553161-7").unwrap();
        assert_eq!((id.ms, id.seq), (1_795_623_553_161, 7));
        assert_eq!(id.cursor("ledger"), "ledger.1795623553161-7");
        let page =
            EntryPageRequest::of_stream(Some("5"), Some("ledger.1795623553161-7"), 50, "ledger").unwrap();
        assert_eq!((page.limit, page.after), (5, Some(id)));
        // The published pattern takes what `cursor` writes, of its lists only.
        let one = regex::Regex::new(&EntryId::cursor_pattern(&["ledger".into()])).unwrap();
        assert!(one.is_match(&id.cursor("ledger")) && !one.is_match(&id.cursor("dead_x")));
        let two = regex::Regex::new(&EntryId::cursor_pattern(&["dead_a".into(), "dead_b".into()])).unwrap();
        assert!(two.is_match(&id.cursor("dead_b")) && !two.is_match(&id.cursor("ledger")));
        let other =
            EntryPageRequest::of_stream(None, Some("dead_order_completed.1-0"), 50, "ledger").unwrap_err();
        assert_eq!(other.field, "cursor");
        assert!(
            other.message.contains("dead_order_completed"),
            "{}",
            other.message
        );
        for bad in [
            "1795623553161-7",
            "ledger.",
            "ledger.1-",
            "ledger.-1",
            "ledger.x-1",
            "ledger.1-1-1",
        ] {
            assert_eq!(
                EntryPageRequest::of_stream(None, Some(bad), 50, "ledger")
                    .unwrap_err()
                    .field,
                "cursor",
                "{bad}"
            );
        }
        assert_eq!(
            EntryPageRequest::of_stream(Some("0"), None, 50, "ledger")
                .unwrap_err()
                .field,
            "limit"
        );
    }
}
