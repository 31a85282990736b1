//! The character classes of product names, shared by the parser (`ProductName::parse`) and the
//! pattern the OpenAPI publishes (`schema::name_pattern`), so the two cannot disagree.

/// Unicode's White_Space characters: what `str::trim` removes around a name.
pub const WHITESPACE: &[(char, char)] = &[
    ('\u{9}', '\u{d}'),
    (' ', ' '),
    ('\u{85}', '\u{85}'),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
];

/// Unicode's control characters (Cc): refused anywhere in a name.
pub const CONTROL: &[(char, char)] = &[('\u{0}', '\u{1f}'), ('\u{7f}', '\u{9f}')];

/// Characters that change how a name reads without showing themselves: bidirectional controls
/// (U+202E makes "Widget" display as "tegdiW"), zero-width spaces and invisible operators, the
/// soft hyphen, the combining grapheme joiner, the Mongolian vowel separator, the Hangul fillers,
/// the byte order mark. Refused anywhere in a name. (Tag characters stay: emoji flags such as
/// England's are made of them.)
pub const INVISIBLE: &[(char, char)] = &[
    ('\u{ad}', '\u{ad}'),
    ('\u{34f}', '\u{34f}'),
    ('\u{61c}', '\u{61c}'),
    ('\u{115f}', '\u{1160}'),
    ('\u{180e}', '\u{180e}'),
    ('\u{200b}', '\u{200b}'),
    ('\u{200e}', '\u{200f}'),
    ('\u{202a}', '\u{202e}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206f}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{feff}', '\u{feff}'),
    ('\u{ffa0}', '\u{ffa0}'),
];

/// Zero-width non-joiner and joiner: part of emoji sequences (👩‍💻) and of Persian and Indic
/// words, so allowed, but only between two visible characters.
pub const JOINERS: &[(char, char)] = &[('\u{200c}', '\u{200d}')];

pub fn is_in(c: char, ranges: &[(char, char)]) -> bool {
    ranges.iter().any(|&(from, to)| (from..=to).contains(&c))
}

/// A character that shows: none of the classes above.
pub fn is_visible(c: char) -> bool {
    ![WHITESPACE, CONTROL, INVISIBLE, JOINERS]
        .iter()
        .any(|r| is_in(c, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The classes are exactly the standard library's, which the parser used before.
    #[test]
    fn classes_match_the_standard_library() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            assert_eq!(is_in(c, WHITESPACE), c.is_whitespace(), "{c:?}");
            assert_eq!(is_in(c, CONTROL), c.is_control(), "{c:?}");
        }
    }
}
