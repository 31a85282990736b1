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

/// Whether `c` shows something by itself: a letter, digit, punctuation mark or symbol (emoji are
/// symbols) by its Unicode general category; not a separator (Z*), a mark (M*: a combining
/// accent shows only on a base), nor a control, format, private-use or unassigned code point (C*).
/// Two exceptions the categories do not make: the default-ignorable code points (the Hangul
/// fillers are letters that render as nothing) and U+2800 BRAILLE PATTERN BLANK, a symbol whose
/// glyph is an empty cell.
///
/// The categories come from ICU4X's `icu_properties` (the Unicode Consortium's, compiled data),
/// already in the dependency tree through `url`'s IDNA: no new crate. Its general-category table
/// is what it costs: measured +19 KB of wasm (+6 KB gzip) on the inventory's 1 MB bundle.
pub fn shows_itself(c: char) -> bool {
    use icu_properties::props::{DefaultIgnorableCodePoint, GeneralCategory, GeneralCategoryGroup};
    use icu_properties::{CodePointMapData, CodePointSetData};
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    let graphic = [
        GeneralCategoryGroup::Letter,
        GeneralCategoryGroup::Number,
        GeneralCategoryGroup::Punctuation,
        GeneralCategoryGroup::Symbol,
    ]
    .iter()
    .any(|group| group.contains(category));
    graphic && c != '\u{2800}' && !CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
}

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

    #[test]
    fn letters_digits_symbols_and_emoji_show_blanks_and_marks_do_not() {
        for c in [
            'a',
            'Ω',
            '名',
            'ㄱ',
            '7',
            '٣',
            '_',
            '€',
            '🚀',
            '\u{1f1eb}',
            '\u{2801}',
        ] {
            assert!(shows_itself(c), "{c:?}");
        }
        for c in [
            ' ',
            '\u{a0}',
            '\u{3000}',
            '\u{2800}',
            '\u{301}',
            '\u{20dd}',
            '\u{200b}',
            '\u{200d}',
            '\u{ad}',
            '\u{3164}',
            '\u{115f}',
            '\u{ffa0}',
            '\u{e000}',
            '\u{e0041}',
            '\u{0}',
            '\u{10ffff}',
        ] {
            assert!(!shows_itself(c), "{c:?}");
        }
    }

    /// The classes are exactly the standard library's, which the parser used before.
    #[test]
    fn classes_match_the_standard_library() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            assert_eq!(is_in(c, WHITESPACE), c.is_whitespace(), "{c:?}");
            assert_eq!(is_in(c, CONTROL), c.is_control(), "{c:?}");
        }
    }
}
