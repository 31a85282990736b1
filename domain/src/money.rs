//! Money in integer cents. JSON shows decimal numbers (`20`, `24`, `19.99`), as the tutorial did.

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::decimal::{Decimal, DecimalError};
use crate::validation::FieldError;

/// An amount of money in integer cents. Every `u64` is an amount; the field is private so that
/// cents and units (`Quantity`) cannot be mixed up by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cents(u64);

/// The highest unit price the shop takes: 1,000,000.00. Anything above is a typo, not a product.
pub const MAX_PRICE: Cents = Cents(100_000_000);

impl Cents {
    pub const fn new(cents: u64) -> Self {
        Self(cents)
    }

    /// The amount in cents, as stored.
    pub const fn cents(self) -> u64 {
        self.0
    }

    /// A unit price: a number or numeric string, > 0, at most two decimals, at most `MAX_PRICE`.
    pub fn parse_price(field: &str, value: &Value) -> Result<Self, FieldError> {
        let bad = |msg: &str| FieldError::new(field, format!("{field} {msg}"));
        let decimal = Decimal::from_json(value).map_err(|e| match e {
            DecimalError::NotANumber => bad("must be a number, like 20 or 19.99"),
            DecimalError::TooLarge => bad("must be at most 1000000"),
            DecimalError::TooPrecise => bad("must have at most 2 decimals"),
        })?;
        if decimal.negative || decimal.is_zero() {
            return Err(bad("must be greater than 0"));
        }
        let cents = decimal
            .scaled(2)
            .ok_or_else(|| bad("must have at most 2 decimals"))?;
        if cents > MAX_PRICE.0 {
            return Err(bad("must be at most 1000000"));
        }
        Ok(Self(cents))
    }

    pub fn times(self, quantity: u64) -> Self {
        Self(self.0.saturating_mul(quantity))
    }

    pub fn plus(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }

    /// `20`, `19.99`, `0.5`: the decimal number the API shows.
    pub fn to_json(self) -> Value {
        if self.0.is_multiple_of(100) {
            Value::from(self.0 / 100)
        } else {
            // Exact for every amount below 2^53 cents: the shortest decimal that reads back as
            // this f64 is the two-decimal amount itself.
            Value::from(self.0 as f64 / 100.0)
        }
    }
}

impl Serialize for Cents {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// The payment fee as a fraction of the unit price, in basis points (0.2 = 2000 bp).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeRate(u32);

impl FeeRate {
    pub const TUTORIAL: FeeRate = FeeRate(2000);

    /// From configuration text such as `"0.2"`: between 0 and 1, at most 4 decimals.
    pub fn parse(text: &str) -> Result<Self, String> {
        let decimal = Decimal::parse(text.trim()).map_err(|_| format!("FEE_RATE={text} is not a number"))?;
        match decimal.scaled(4) {
            Some(bp) if !decimal.negative && bp <= 10_000 => Ok(Self(bp as u32)),
            _ => Err(format!(
                "FEE_RATE={text} must be between 0 and 1 with at most 4 decimals"
            )),
        }
    }

    /// The rate in basis points (0.2 → 2000): what a client needs to quote the fee exactly.
    pub fn basis_points(self) -> u32 {
        self.0
    }

    /// The fee on `price`, rounded to the nearest cent (halves up).
    pub fn fee(self, price: Cents) -> Cents {
        // Exact: price ≤ MAX_PRICE (10^8) times at most 10^4 basis points stays far below 2^64;
        // `store`'s placement script computes the same in Lua doubles (exact below 2^53).
        Cents((price.0 * u64::from(self.0) + 5_000) / 10_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prices_are_exact_cents() {
        assert_eq!(Cents::parse_price("price", &json!(20)), Ok(Cents(2000)));
        assert_eq!(Cents::parse_price("price", &json!("19.99")), Ok(Cents(1999)));
        assert_eq!(Cents::parse_price("price", &json!(0.1)), Ok(Cents(10)));
    }

    #[test]
    fn bad_prices_name_the_field() {
        for (value, message) in [
            (json!(0), "price must be greater than 0"),
            (json!(-5), "price must be greater than 0"),
            (json!("abc"), "price must be a number, like 20 or 19.99"),
            (json!(1.234), "price must have at most 2 decimals"),
            (json!(1e12), "price must be at most 1000000"),
            (json!(1000000.01), "price must be at most 1000000"),
        ] {
            let err = Cents::parse_price("price", &value).unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.message.as_str()),
                ("price", message),
                "{value}"
            );
        }
    }

    #[test]
    fn json_shows_decimals() {
        assert_eq!(Cents(2000).to_json().to_string(), "20");
        assert_eq!(Cents(1999).to_json().to_string(), "19.99");
        assert_eq!(Cents(50).to_json().to_string(), "0.5");
        assert_eq!(Cents(7).to_json().to_string(), "0.07");
        assert_eq!(Cents(MAX_PRICE.0 - 1).to_json().to_string(), "999999.99");
    }

    #[test]
    fn the_tutorial_fee_is_a_fifth_rounded_to_the_cent() {
        let rate = FeeRate::parse("0.2").unwrap();
        assert_eq!(rate, FeeRate::TUTORIAL);
        assert_eq!(rate.fee(Cents(2000)), Cents(400));
        assert_eq!(rate.fee(Cents(1999)), Cents(400)); // 399.8 → 400
        assert_eq!(rate.fee(Cents(1)), Cents(0)); // 0.2 → 0
        assert_eq!(rate.fee(Cents(3)), Cents(1)); // 0.6 → 1
        assert!(FeeRate::parse("1.5").is_err());
        assert!(FeeRate::parse("-0.1").is_err());
        assert!(FeeRate::parse("x").is_err());
    }
}
