//! Exact decimal numbers from JSON numbers or numeric strings (`20`, `"19.99"`), never through
//! floating point: `0.1 + 0.2` problems cannot reach the money.

use serde_json::Value;

/// A non-negative decimal split into its whole part and up to `MAX_FRACTION_DIGITS` digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub whole: u64,
    /// The fraction as an integer over 10^`fraction_digits`.
    pub fraction: u64,
    pub fraction_digits: u32,
    pub negative: bool,
}

const MAX_WHOLE_DIGITS: usize = 15;
const MAX_FRACTION_DIGITS: usize = 9;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecimalError {
    NotANumber,
    TooLarge,
    TooPrecise,
}

impl Decimal {
    /// From a JSON number or a string holding one (the tutorial's frontend sends strings).
    pub fn from_json(value: &Value) -> Result<Self, DecimalError> {
        match value {
            Value::Number(n) => Self::parse(&n.to_string()),
            Value::String(s) => Self::parse(s.trim()),
            _ => Err(DecimalError::NotANumber),
        }
    }

    pub fn parse(text: &str) -> Result<Self, DecimalError> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        if digits.contains(['e', 'E']) {
            return Self::from_exponent(digits, negative);
        }
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        // ".5" as people type it; "." alone is no number.
        let whole = if whole.is_empty() && !fraction.is_empty() {
            "0"
        } else {
            whole
        };
        let fraction = fraction.trim_end_matches('0');
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(DecimalError::NotANumber);
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > MAX_WHOLE_DIGITS {
            return Err(DecimalError::TooLarge);
        }
        if fraction.len() > MAX_FRACTION_DIGITS {
            return Err(DecimalError::TooPrecise);
        }
        Ok(Self {
            whole: whole.parse().unwrap_or(0),
            fraction: fraction.parse().unwrap_or(0),
            fraction_digits: fraction.len() as u32,
            negative,
        })
    }

    /// `2e1`, `1E-2` (serde_json also writes very large or tiny floats this way): the decimal
    /// point is moved in the text, never through a float, so `2.5e-42` is too precise rather than
    /// silently 0.
    fn from_exponent(text: &str, negative: bool) -> Result<Self, DecimalError> {
        let (mantissa, exponent) = text.split_once(['e', 'E']).ok_or(DecimalError::NotANumber)?;
        let exponent_digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if exponent_digits.is_empty() || !exponent_digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DecimalError::NotANumber);
        }
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = format!("{whole}{fraction}");
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DecimalError::NotANumber);
        }
        if digits.bytes().all(|b| b == b'0') {
            return Self::parse("0");
        }
        // Where the point goes, bounded so that an absurd exponent allocates nothing.
        const BOUND: i64 = 64;
        let shift = exponent.parse::<i64>().unwrap_or(if exponent.starts_with('-') {
            -BOUND * 2
        } else {
            BOUND * 2
        });
        let point = whole.len() as i64 + shift.clamp(-BOUND * 2, BOUND * 2);
        let plain = if point > BOUND {
            return Err(DecimalError::TooLarge);
        } else if point < -BOUND {
            return Err(DecimalError::TooPrecise);
        } else if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        let mut decimal = Self::parse(&plain)?;
        decimal.negative = negative;
        Ok(decimal)
    }

    pub fn is_zero(&self) -> bool {
        self.whole == 0 && self.fraction == 0
    }

    /// The value in units of 10^-`digits` if it has no more fraction digits than that.
    pub fn scaled(&self, digits: u32) -> Option<u64> {
        if self.fraction_digits > digits {
            return None;
        }
        let fraction = self.fraction * 10u64.pow(digits - self.fraction_digits);
        self.whole.checked_mul(10u64.pow(digits))?.checked_add(fraction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_numbers_and_strings_exactly() {
        assert_eq!(Decimal::from_json(&json!(19.99)).unwrap().scaled(2), Some(1999));
        assert_eq!(Decimal::from_json(&json!("20")).unwrap().scaled(2), Some(2000));
        assert_eq!(Decimal::from_json(&json!(" 0.5 ")).unwrap().scaled(2), Some(50));
        assert_eq!(Decimal::from_json(&json!("3.10")).unwrap().scaled(1), Some(31));
        assert_eq!(Decimal::from_json(&json!(3.0)).unwrap().scaled(0), Some(3));
        assert_eq!(Decimal::from_json(&json!(19.999)).unwrap().scaled(2), None);
    }

    #[test]
    fn refuses_what_is_not_a_plain_number() {
        for bad in [
            json!("abc"),
            json!(""),
            json!("1.2.3"),
            json!("."),
            json!("1e"),
            json!(null),
            json!(true),
            json!([1]),
        ] {
            assert_eq!(Decimal::from_json(&bad), Err(DecimalError::NotANumber), "{bad}");
        }
        assert_eq!(Decimal::from_json(&json!(1e300)), Err(DecimalError::TooLarge));
        assert_eq!(Decimal::parse("9999999999999999"), Err(DecimalError::TooLarge));
        assert!(Decimal::parse("-2").unwrap().negative);
        assert_eq!(Decimal::parse("1e400"), Err(DecimalError::TooLarge));
    }

    #[test]
    fn exponents_and_leading_dots() {
        assert_eq!(Decimal::parse("2e1").unwrap().scaled(2), Some(2000));
        assert_eq!(Decimal::parse("1E-2").unwrap().scaled(2), Some(1));
        assert_eq!(
            Decimal::from_json(&json!(1e-7)).unwrap().scaled(2),
            None,
            "too precise for cents"
        );
        assert_eq!(Decimal::parse(".5").unwrap().scaled(2), Some(50));
        assert_eq!(Decimal::parse("2.5e2").unwrap().scaled(0), Some(250));
        assert_eq!(Decimal::parse("1.2345e3").unwrap().scaled(1), Some(12345));
        assert_eq!(
            Decimal::parse("0e-999999999999999999999").unwrap().scaled(0),
            Some(0)
        );
        // Found by Schemathesis: a tiny quantity was stored as 0.
        assert_eq!(
            Decimal::from_json(&json!(2.5890419884777833e-42)),
            Err(DecimalError::TooPrecise)
        );
        assert_eq!(
            Decimal::parse("1e-99999999999999999999"),
            Err(DecimalError::TooPrecise)
        );
        assert_eq!(
            Decimal::parse("1e99999999999999999999"),
            Err(DecimalError::TooLarge)
        );
        assert!(Decimal::parse("-1e2").unwrap().negative);
        // JSON numbers keep their text (serde_json's arbitrary_precision): nothing a float would
        // round (to 0, or to a nearby value) is taken for something else.
        let read = |text: &str| Decimal::from_json(&serde_json::from_str(text).unwrap());
        assert_eq!(read("1e-400"), Err(DecimalError::TooPrecise));
        assert_eq!(
            read("0.1000000000000000055511151231257827"),
            Err(DecimalError::TooPrecise)
        );
        assert_eq!(read("1e400"), Err(DecimalError::TooLarge));
        assert_eq!(read("100.000000000000000000000").unwrap().scaled(0), Some(100));
        for bad in ["1e", "e5", "1e+", "1.e5x", "1e5.5", "ee"] {
            assert_eq!(Decimal::parse(bad), Err(DecimalError::NotANumber), "{bad}");
        }
        assert_eq!(Decimal::parse("1.").unwrap().scaled(0), Some(1));
    }
}
