//! Products of the catalogue: what a request may create or change, and what the API shows.

use serde::Serialize;
use serde_json::Value;

use crate::chars::{is_in, is_visible, shows_itself, INVISIBLE, JOINERS};
use crate::decimal::{Decimal, DecimalError};
use crate::money::Cents;
use crate::precondition::ETag;
use crate::validation::{object, only_fields, FieldError};
use crate::Id;

const FIELDS: [&str; 3] = ["name", "price", "quantity"];

/// A type of text a person writes, checked by [`parse_text`] as `$field`, at most `$max`
/// characters: one definition for every such type, so that they keep one set of rules. A value
/// read back from storage (`from_stored`) was checked when it was written and is not checked
/// again, so that it stays readable if the rules tighten later.
macro_rules! person_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(value: &serde_json::Value) -> Result<Self, $crate::validation::FieldError> {
                $crate::product::parse_text($field, value, Self::MAX_CHARS).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn from_stored(text: String) -> Self {
                Self(text)
            }
        }
    };
}
pub(crate) use person_text;

person_text!(
    /// 1 to 200 characters after trimming, at least one of them one that shows (a letter, digit,
    /// symbol or emoji: `chars::shows_itself`); no control or invisible characters (bidirectional
    /// controls, zero-width spaces); zero-width joiners only between two visible characters.
    ProductName,
    "name",
    200
);

/// A line of text a person wrote (a product's name, an adjustment's note), as `field`: trimmed,
/// 1 to `max_chars` characters, no control or invisible characters (bidirectional controls,
/// zero-width spaces), zero-width joiners only between two visible characters. One rule for every
/// such field, so that a note cannot hide what a name may not.
pub fn parse_text(field: &str, value: &Value, max_chars: usize) -> Result<String, FieldError> {
    let bad = |msg: &str| FieldError::new(field, format!("{field} {msg}"));
    let text = value.as_str().ok_or_else(|| bad("must be a string"))?.trim();
    if text.is_empty() {
        return Err(bad("must not be empty"));
    }
    if text.chars().count() > max_chars {
        return Err(bad(&format!("must be at most {max_chars} characters")));
    }
    if text.chars().any(char::is_control) {
        return Err(bad("must not contain control characters"));
    }
    let chars: Vec<char> = text.chars().collect();
    let hidden = chars.iter().enumerate().any(|(i, &c)| {
        is_in(c, INVISIBLE)
            || is_in(c, JOINERS)
                && !(i > 0 && is_visible(chars[i - 1]) && chars.get(i + 1).is_some_and(|&n| is_visible(n)))
    });
    if hidden {
        return Err(bad(
            "must not contain invisible or direction-changing characters (such as U+202E or U+200B)",
        ));
    }
    if !chars.iter().copied().any(shows_itself) {
        return Err(bad(
            "must contain a visible character (a letter, digit, symbol or emoji), not only blanks or combining marks",
        ));
    }
    Ok(text.to_owned())
}

/// Units in stock (or ordered): a whole number from 0 to `MAX`, and nothing else (the field is
/// private: `new` checks the bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Quantity(u64);

impl Quantity {
    /// A billion units: well within what Redis and Lua count exactly.
    pub const MAX: u64 = 1_000_000_000;
    pub const ZERO: Quantity = Quantity(0);

    /// `None` above `MAX`.
    pub const fn new(units: u64) -> Option<Self> {
        if units <= Self::MAX {
            Some(Self(units))
        } else {
            None
        }
    }

    pub const fn get(self) -> u64 {
        self.0
    }

    /// What is left of `self` once `other` is set aside (never below 0).
    pub const fn minus(self, other: Quantity) -> Self {
        Self(self.0.saturating_sub(other.0))
    }

    /// A whole number >= `min`, from a JSON number or a numeric string.
    pub fn parse(field: &str, value: &Value, min: u64) -> Result<Self, FieldError> {
        let bad = |msg: String| FieldError::new(field, format!("{field} {msg}"));
        let decimal = Decimal::from_json(value).map_err(|e| match e {
            DecimalError::NotANumber => bad("must be a whole number".into()),
            DecimalError::TooLarge => bad(format!("must be at most {}", Self::MAX)),
            DecimalError::TooPrecise => bad("must be a whole number".into()),
        })?;
        let n = decimal
            .scaled(0)
            .ok_or_else(|| bad("must be a whole number".into()))?;
        if decimal.negative && n > 0 || n < min {
            return Err(bad(format!("must be {min} or more")));
        }
        if n > Self::MAX {
            return Err(bad(format!("must be at most {}", Self::MAX)));
        }
        Ok(Self(n))
    }
}

/// The body of `POST /products`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProduct {
    pub name: ProductName,
    pub price: Cents,
    pub quantity: Quantity,
}

impl NewProduct {
    pub fn from_json(body: &Value) -> Result<Self, FieldError> {
        let fields = object(body)?;
        only_fields(fields, &FIELDS)?;
        let required = |name: &str| {
            fields
                .get(name)
                .ok_or_else(|| FieldError::new(name, format!("{name} is required")))
        };
        Ok(Self {
            name: ProductName::parse(required("name")?)?,
            price: Cents::parse_price("price", required("price")?)?,
            quantity: Quantity::parse("quantity", required("quantity")?, 0)?,
        })
    }
}

/// The body of `PATCH /products/{id}`: any of the fields, at least one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProductPatch {
    pub name: Option<ProductName>,
    pub price: Option<Cents>,
    pub quantity: Option<Quantity>,
}

impl ProductPatch {
    pub fn from_json(body: &Value) -> Result<Self, FieldError> {
        let fields = object(body)?;
        only_fields(fields, &FIELDS)?;
        let patch = Self {
            name: fields.get("name").map(ProductName::parse).transpose()?,
            price: fields
                .get("price")
                .map(|v| Cents::parse_price("price", v))
                .transpose()?,
            quantity: fields
                .get("quantity")
                .map(|v| Quantity::parse("quantity", v, 0))
                .transpose()?,
        };
        if patch == Self::default() {
            return Err(FieldError::new(
                "body",
                "send at least one of name, price, quantity",
            ));
        }
        Ok(patch)
    }
}

/// A product as the API shows it: `{"id","name","price","quantity","available","etag"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"id": crate::openapi::EXAMPLE_ID, "name": "Widget", "price": 20, "quantity": 100, "available": 97, "etag": "\"4.3\""}))]
pub struct Product {
    pub id: Id,
    pub name: ProductName,
    pub price: Cents,
    /// On hand: what the shop holds.
    pub quantity: Quantity,
    /// What can still be ordered: on hand minus what placed orders have reserved and the
    /// consumer has not taken yet.
    pub available: Quantity,
    /// The `ETag` this representation has (also in the answer's `ETag` header), quotes included:
    /// send it as `If-Match` to change the product only if nobody changed it since, from a list
    /// as well as from a read (as Google's APIs carry `etag` in the resource, AIP-154).
    #[schema(value_type = String, pattern = r#"^"[0-9]{1,19}\.[0-9]{1,19}"$"#, example = "\"4.3\"")]
    pub etag: ETag,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_error(result: Result<impl std::fmt::Debug, FieldError>) -> (String, String) {
        let e = result.unwrap_err();
        (e.field, e.message)
    }

    #[test]
    fn the_tutorial_body_with_strings_is_accepted() {
        let p =
            NewProduct::from_json(&json!({"name": " Widget ", "price": "20", "quantity": "100"})).unwrap();
        assert_eq!(p.name.as_str(), "Widget");
        assert_eq!(p.price, Cents::new(2000));
        assert_eq!(p.quantity, Quantity(100));
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases = [
            (json!({"price": 1, "quantity": 1}), "name", "name is required"),
            (
                json!({"name": "", "price": 1, "quantity": 1}),
                "name",
                "name must not be empty",
            ),
            (
                json!({"name": 5, "price": 1, "quantity": 1}),
                "name",
                "name must be a string",
            ),
            (
                json!({"name": "x".repeat(201), "price": 1, "quantity": 1}),
                "name",
                "name must be at most 200 characters",
            ),
            (
                json!({"name": "a", "price": -1, "quantity": 1}),
                "price",
                "price must be greater than 0",
            ),
            (
                json!({"name": "a", "price": 1, "quantity": -1}),
                "quantity",
                "quantity must be 0 or more",
            ),
            (
                json!({"name": "a", "price": 1, "quantity": 1.5}),
                "quantity",
                "quantity must be a whole number",
            ),
            (
                json!({"name": "a", "price": 1, "quantity": "many"}),
                "quantity",
                "quantity must be a whole number",
            ),
            (
                json!({"name": "a", "price": 1, "quantity": 1e10}),
                "quantity",
                "quantity must be at most 1000000000",
            ),
            (
                json!({"name": "a", "price": 1, "quantity": 1, "qty": 2}),
                "qty",
                "unknown field 'qty'; expected name, price, quantity",
            ),
            (json!([1, 2]), "body", "the body must be a JSON object"),
        ];
        for (body, field, message) in cases {
            assert_eq!(
                field_error(NewProduct::from_json(&body)),
                (field.into(), message.into()),
                "{body}"
            );
        }
    }

    #[test]
    fn a_name_of_200_emoji_is_fine() {
        assert!(ProductName::parse(&json!("🚀".repeat(200))).is_ok());
    }

    #[test]
    fn names_show_what_they_are() {
        assert_names_taken(&[
            "👩\u{200d}💻 laptop",
            "می\u{200c}خواهم",
            "Ünïcödé Ωμέγα 名前",
            "a\u{200d}b",
        ]);
        assert_names_refused(
            &[
                "Widget\u{202e}tegdiW",
                "Wid\u{200b}get",
                "\u{feff}Widget",
                "Widget \u{200d}",
                "\u{200d}Widget",
                "a \u{200c}b",
                "\u{2066}x\u{2069}",
                "soft\u{ad}hyphen",
                "\u{3164}",
            ],
            "invisible",
        );
    }

    #[test]
    fn a_name_shows_something() {
        assert_names_refused(
            &[
                "\u{2800}",
                "\u{301}\u{301}",
                " \u{301} ",
                "\u{3000}\u{2800}",
                "\u{e000}",
            ],
            "visible character",
        );
        assert_names_taken(&[
            "e\u{301}",
            "\u{2801}",
            "_",
            "🇫🇷",
            "\u{2800}a",
            "1\u{fe0f}\u{20e3}",
        ]);
    }

    fn assert_names_taken(names: &[&str]) {
        for ok in names {
            assert!(ProductName::parse(&json!(ok)).is_ok(), "{ok:?}");
        }
    }

    /// Each of `names` is refused with a message that says `why`.
    fn assert_names_refused(names: &[&str], why: &str) {
        for bad in names {
            let e = ProductName::parse(&json!(bad)).unwrap_err();
            assert!(e.message.contains(why), "{bad:?}: {}", e.message);
        }
    }

    #[test]
    fn patches_take_any_field_but_not_none() {
        let p = ProductPatch::from_json(&json!({"quantity": 97})).unwrap();
        assert_eq!(p.quantity, Some(Quantity(97)));
        assert_eq!(p.name, None);
        assert_eq!(field_error(ProductPatch::from_json(&json!({}))).0, "body");
        assert_eq!(
            field_error(ProductPatch::from_json(&json!({"price": 0}))).0,
            "price"
        );
    }

    #[test]
    fn products_show_decimal_prices() {
        let id = Id::generate(1, [1; 10]);
        let p = Product {
            id: id.clone(),
            name: ProductName::from_stored("Widget".into()),
            price: Cents::new(1999),
            quantity: Quantity(3),
            available: Quantity(1),
            etag: ETag::new(4, 2),
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"id": id.as_str(), "name": "Widget", "price": 19.99, "quantity": 3, "available": 1, "etag": "\"4.2\""})
        );
    }
}
