//! The JSON Schemas (OpenAPI 3.1) of the values the API reads and writes, built from the same
//! constants their parsers check (`ProductName::MAX_CHARS`, `MAX_PRICE`, `Quantity::MAX`), so the
//! published contract cannot drift from the code that enforces it. The workers assemble these into
//! their `/openapi.json`.
//!
//! Where JSON Schema cannot say a rule exactly (a price has at most two decimals: `multipleOf: 0.01`
//! is unreliable on binary floats), the schema is a little wider than the parser and the rule is in
//! the description: anything outside the schema is always refused, and the 422 names the field.

use std::borrow::Cow;

use serde_json::json;
use utoipa::openapi::schema::{
    AdditionalProperties, AllOfBuilder, ObjectBuilder, OneOfBuilder, Schema, Type,
};
use utoipa::openapi::{RefOr, SchemaFormat};
use utoipa::{PartialSchema, ToSchema};

use crate::chars::{CONTROL, INVISIBLE, JOINERS, WHITESPACE};
use crate::money::{Cents, MAX_PRICE};
use crate::order::MAX_LINES;
use crate::product::{NewProduct, ProductName, ProductPatch, Quantity};
use crate::stock::{Adjustment, AdjustmentReason, Note};
use crate::{Id, OrderRequest};

/// An id the API made: a ULID, the example of the tutorial's Widget.
pub const EXAMPLE_ID: &str = "01JDQ3T0X6M6V1W3C6W7N5K8ZP";
/// A second product's id, for examples of carts.
pub const EXAMPLE_OTHER_ID: &str = "01JDQ3T9QW4B6Y8C1E3G5J7M9P";
/// An order id, for examples.
pub const EXAMPLE_ORDER_ID: &str = "01JDQ3V4R2B7C9D1E3F5G7H9JK";

/// `[...]` of the ranges, with escapes that mean the same in ECMA-262, Python and Rust regexes.
fn class(negated: bool, ranges: &[&[(char, char)]]) -> String {
    let escape = |c: char| match c as u32 {
        n @ 0..=0xff => format!("\\x{n:02x}"),
        n => format!("\\u{n:04x}"),
    };
    let mut out = String::from(if negated { "[^" } else { "[" });
    for &(from, to) in ranges.iter().flat_map(|r| r.iter()) {
        out += &escape(from);
        if to != from {
            out += "-";
            out += &escape(to);
        }
    }
    out + "]"
}

/// A name as `ProductName::parse` takes it: 1 to `MAX_CHARS` characters once trimmed, no control
/// or invisible character, no joiner at either end (the parser also refuses a joiner next to a
/// space, which this pattern lets through).
pub fn name_pattern() -> String {
    let space = class(false, &[WHITESPACE]);
    let inner = class(true, &[CONTROL, INVISIBLE]);
    let edge = class(true, &[CONTROL, WHITESPACE, INVISIBLE, JOINERS]);
    let middle = ProductName::MAX_CHARS - 2;
    format!("^{space}*{edge}(?:{inner}{{0,{middle}}}{edge})?{space}*$")
}

/// Every string `Decimal::parse` can read (and some it refuses: the parser decides the rest).
fn decimal_text_pattern() -> String {
    let space = class(false, &[WHITESPACE]);
    format!("^{space}*[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?{space}*$")
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn closed_object() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

/// A number, or the same number as a string (the tutorial's frontend sends strings).
fn number_or_text(number: ObjectBuilder, description: &str) -> RefOr<Schema> {
    let text = string()
        .pattern(Some(decimal_text_pattern()))
        .description(Some("the same number as text, e.g. \"20\""));
    OneOfBuilder::new()
        .item(number)
        .item(text)
        .description(Some(description))
        .into()
}

/// A price in a request: `20`, `19.99` or `"19.99"`.
pub fn price_input() -> RefOr<Schema> {
    let max = MAX_PRICE.cents() / 100;
    number_or_text(
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .exclusive_minimum(Some(0))
            .maximum(Some(max)),
        &format!("Unit price: greater than 0, at most {max}, at most two decimals; kept as integer cents."),
    )
}

/// A quantity in a request: a whole number from `min` to `Quantity::MAX`, or that number as text.
pub fn quantity_input(min: u64, what: &str) -> RefOr<Schema> {
    number_or_text(
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(min))
            .maximum(Some(Quantity::MAX)),
        &format!("{what}: a whole number from {min} to {}.", Quantity::MAX),
    )
}

fn name_input() -> RefOr<Schema> {
    string()
        .pattern(Some(name_pattern()))
        .description(Some(format!(
            "Trimmed, then 1 to {} characters, at least one of them visible (a letter, digit, \
             punctuation mark, symbol or emoji by its Unicode general category; not only blanks \
             such as U+2800 or combining marks); no control characters, no bidirectional \
             controls (U+202E…) or zero-width spaces; zero-width joiners only between two \
             visible characters (emoji sequences, Persian and Indic words). The pattern checks \
             the characters it can; the API checks the rest (422).",
            ProductName::MAX_CHARS
        )))
        .examples([json!("Widget")])
        .into()
}

/// The fields of a product, which a new product and a patch both take (one definition, so the two
/// cannot drift apart); `quantity_what` describes the quantity.
fn product_fields(quantity_what: &str) -> ObjectBuilder {
    closed_object()
        .property("name", name_input())
        .property("price", price_input())
        .property("quantity", quantity_input(0, quantity_what))
}

impl PartialSchema for Id {
    fn schema() -> RefOr<Schema> {
        string()
            .pattern(Some("^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$"))
            .description(Some(
                "A ULID made by the API: 26 characters of Crockford base32, time-ordered. Read \
                 case-insensitively; anything else names nothing (404).",
            ))
            .examples([json!(EXAMPLE_ID)])
            .into()
    }
}

// An empty `impl ToSchema` names the schema after its type (utoipa's default `name()`), as the
// documents' `$ref`s do; only `Cents` is published under another name.
impl ToSchema for Id {}

impl PartialSchema for Cents {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .minimum(Some(0))
            .description(Some(
                "An amount of money as a decimal number with at most two decimals (20, 19.99); \
                 integer cents inside.",
            ))
            .examples([json!(19.99)])
            .into()
    }
}

impl ToSchema for Cents {
    fn name() -> Cow<'static, str> {
        "Money".into()
    }
}

impl PartialSchema for Quantity {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .maximum(Some(Quantity::MAX))
            .examples([json!(100)])
            .into()
    }
}

impl ToSchema for Quantity {}

impl PartialSchema for ProductName {
    fn schema() -> RefOr<Schema> {
        string()
            .min_length(Some(1))
            .max_length(Some(ProductName::MAX_CHARS))
            .description(Some(
                "1 to 200 characters, trimmed, at least one of them visible; no control characters.",
            ))
            .examples([json!("Widget")])
            .into()
    }
}

impl ToSchema for ProductName {}

impl PartialSchema for NewProduct {
    fn schema() -> RefOr<Schema> {
        product_fields("Units in stock")
            .required("name")
            .required("price")
            .required("quantity")
            .description(Some(
                "A new product. Unknown fields are refused (422 naming the field), so a typo is \
                 never silently ignored.",
            ))
            .examples([json!({"name": "Widget", "price": 20, "quantity": 100})])
            .into()
    }
}

impl ToSchema for NewProduct {}

impl PartialSchema for ProductPatch {
    fn schema() -> RefOr<Schema> {
        product_fields("Units in stock (a restock sets it)")
            .min_properties(Some(1))
            .description(Some(
                "Any of the fields, at least one. `quantity` sets the stock; it does not add to it.",
            ))
            .examples([json!({"quantity": 250})])
            .into()
    }
}

impl ToSchema for ProductPatch {}

impl PartialSchema for Adjustment {
    fn schema() -> RefOr<Schema> {
        let delta = number_or_text(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(-(Quantity::MAX as i64)))
                .maximum(Some(Quantity::MAX)),
            &format!(
                "Units added (positive) or removed (negative): a whole number from -{max} to {max}, \
                 not 0.",
                max = Quantity::MAX
            ),
        );
        let reasons: Vec<&str> = AdjustmentReason::ALL.iter().map(|r| r.as_str()).collect();
        let note = string()
            .pattern(Some(name_pattern()))
            .description(Some(format!(
                "Optional, for people: the rules of a product's name (1 to {} characters once \
                 trimmed, nothing invisible).",
                Note::MAX_CHARS
            )))
            .examples([json!("pallet 7 from the supplier")]);
        closed_object()
            .property("delta", delta)
            .property(
                "reason",
                string()
                    .enum_values(Some(reasons))
                    .description(Some("Why: `restock` (received), `damaged` (broken or lost), `count` (a stock count found another number), `return` (a customer sent units back), `other`.")),
            )
            .property("note", note)
            .required("delta")
            .required("reason")
            .description(Some(
                "A change of on hand by delta. Unknown fields are refused (422 naming the field).",
            ))
            .examples([json!({"delta": 100, "reason": "restock", "note": "pallet 7"})])
            .into()
    }
}

impl ToSchema for Adjustment {}

impl PartialSchema for OrderRequest {
    fn schema() -> RefOr<Schema> {
        let named = |field: &str| ObjectBuilder::new().property(field, Id::schema()).required(field);
        // One product and how many: a line, and the tutorial's whole body.
        let product_and_quantity = || {
            let fields = closed_object()
                .property("id", Id::schema())
                .property("product_id", Id::schema())
                .property("quantity", quantity_input(1, "Units ordered"))
                .required("quantity");
            let exactly_one_id = OneOfBuilder::new().item(named("id")).item(named("product_id"));
            AllOfBuilder::new().item(fields).item(exactly_one_id)
        };
        let cart = closed_object()
            .property(
                "lines",
                utoipa::openapi::schema::ArrayBuilder::new()
                    .items(product_and_quantity().description(Some(
                        "A product (as `product_id`, or `id`: exactly one of them) and how many.",
                    )))
                    .min_items(Some(1))
                    .max_items(Some(MAX_LINES)),
            )
            .required("lines")
            .description(Some(format!(
                "A cart: 1 to {MAX_LINES} lines. Lines of the same product are merged (their \
                 quantities added)."
            )));
        let tutorial = product_and_quantity().description(Some(
            "The tutorial's body: one product and how many, a one-line order.",
        ));
        OneOfBuilder::new()
            .item(cart)
            .item(tutorial)
            .description(Some(
                "A cart of lines, or the tutorial's one-product body. Prices are read from the \
                 inventory, never from the client. Every line is reserved or none is: an id that \
                 names no product answers 404 naming it, a line with fewer units available than \
                 asked 409 `insufficient_stock` listing every short line.",
            ))
            .examples([
                json!({"lines": [{"product_id": EXAMPLE_ID, "quantity": 3}, {"product_id": EXAMPLE_OTHER_ID, "quantity": 1}]}),
                json!({"id": EXAMPLE_ID, "quantity": 3}),
            ])
            .into()
    }
}

impl ToSchema for OrderRequest {}

/// An RFC 3339 UTC time with milliseconds.
pub fn timestamp() -> RefOr<Schema> {
    string()
        .format(Some(SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::DateTime,
        )))
        .examples([json!("2026-11-25T16:19:13.161Z")])
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name the parser accepts matches the published pattern, and everything the pattern
    /// refuses the parser refuses too (so clients that validate with the schema lose nothing).
    #[test]
    fn the_name_pattern_admits_every_name_the_parser_takes() {
        let pattern = regex::Regex::new(&name_pattern()).unwrap();
        let alphabet = [
            'a', 'Z', ' ', '\t', '\u{a0}', '\u{3000}', '\u{0}', '\u{1f}', '\u{85}', '\u{9f}', '\u{200b}',
            '\u{200c}', '\u{200d}', '\u{202e}', '\u{2066}', '\u{feff}', 'é', '名', '🚀', '\u{301}',
            '\u{2800}', '\u{3164}',
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 8) as usize;
            let name: String = (0..len)
                .map(|i| alphabet[((seed >> (8 * i)) % alphabet.len() as u64) as usize])
                .collect();
            let parsed = ProductName::parse(&json!(name)).is_ok();
            let matched = pattern.is_match(&name);
            assert!(
                !parsed || matched,
                "{name:?} is taken but does not match the pattern"
            );
        }
        assert!(pattern.is_match(&"x".repeat(200)) && !pattern.is_match(&"x".repeat(201)));
        assert!(pattern.is_match(&format!("  {}  ", "x".repeat(200))));
    }

    /// The names the checked-in documents refer to (`type_name` is not guaranteed stable).
    #[test]
    fn schemas_are_named_after_their_types() {
        let names = [
            Id::name(),
            Cents::name(),
            Quantity::name(),
            ProductName::name(),
            NewProduct::name(),
            ProductPatch::name(),
            OrderRequest::name(),
            Adjustment::name(),
        ];
        assert_eq!(
            names,
            [
                "Id",
                "Money",
                "Quantity",
                "ProductName",
                "NewProduct",
                "ProductPatch",
                "OrderRequest",
                "Adjustment"
            ]
        );
    }

    #[test]
    fn the_name_pattern_is_a_regex_escape_every_engine_reads() {
        let pattern = name_pattern();
        assert!(pattern.starts_with("^[\\x09-\\x0d\\x20\\x85\\xa0\\u1680"));
        assert!(pattern.contains("{0,198}"));
    }
}
