//! Opaque, time-ordered ids (ULID layout: 48-bit milliseconds, 80 random bits, Crockford
//! base32, 26 characters). The caller brings the clock and the randomness, so this stays pure.

use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LEN: usize = 26;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(String);

impl Id {
    pub fn generate(unix_ms: u64, random: [u8; 10]) -> Self {
        let mut value: u128 = u128::from(unix_ms & 0xFFFF_FFFF_FFFF) << 80;
        for (i, byte) in random.iter().enumerate() {
            value |= u128::from(*byte) << (8 * (9 - i));
        }
        let mut out = [0u8; LEN];
        for slot in out.iter_mut().rev() {
            *slot = ALPHABET[(value & 31) as usize];
            value >>= 5;
        }
        Self(out.iter().map(|&b| b as char).collect())
    }

    /// An id from a URL or a body. Anything that could not have been generated here is `None`, and
    /// the request answers 404 (it names no product), not 500.
    pub fn parse(text: &str) -> Option<Self> {
        let upper = text.trim().to_ascii_uppercase();
        (upper.len() == LEN && upper.bytes().all(|b| ALPHABET.contains(&b)) && upper.as_bytes()[0] <= b'7')
            .then_some(Self(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_parse_back() {
        let a = Id::generate(1_700_000_000_000, [0xff; 10]);
        let b = Id::generate(1_700_000_000_001, [0; 10]);
        assert!(a < b);
        assert_eq!(a.as_str().len(), 26);
        assert_eq!(Id::parse(a.as_str()), Some(a.clone()));
        assert_eq!(Id::parse(&a.as_str().to_lowercase()), Some(a));
    }

    #[test]
    fn foreign_text_is_not_an_id() {
        for bad in [
            "",
            "abc",
            "01ARZ3NDEKTSV4RRFFQ69G5FA!",
            "ZZZZZZZZZZZZZZZZZZZZZZZZZZ",
            "../../etc/passwd",
        ] {
            assert_eq!(Id::parse(bad), None, "{bad}");
        }
    }
}
