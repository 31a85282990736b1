//! Changes of a product's stock on hand: the adjustments a shop makes by delta (`POST
//! /products/{id}/adjustments`), and the ledger that records every change with its reason.

use serde::Serialize;
use serde_json::Value;

use crate::decimal::{Decimal, DecimalError};
use crate::product::{person_text, Quantity};
use crate::validation::{object, only_fields, FieldError};

const FIELDS: [&str; 3] = ["delta", "reason", "note"];

/// A change of on hand by a signed number of units: not 0, and at most `Quantity::MAX` either
/// way (the field is private: `parse` checks both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delta(i64);

impl Delta {
    pub const fn get(self) -> i64 {
        self.0
    }

    /// A whole number, from a JSON number or a numeric string, as quantities are.
    pub fn parse(value: &Value) -> Result<Self, FieldError> {
        let bad = |msg: String| FieldError::new("delta", format!("delta {msg}"));
        let max = Quantity::MAX;
        let range = || bad(format!("must be a whole number from -{max} to {max}, not 0"));
        let decimal = Decimal::from_json(value).map_err(|e| match e {
            DecimalError::TooLarge => range(),
            DecimalError::NotANumber | DecimalError::TooPrecise => bad("must be a whole number".into()),
        })?;
        let units = decimal
            .scaled(0)
            .ok_or_else(|| bad("must be a whole number".into()))?;
        if units == 0 {
            return Err(bad(
                "must not be 0: send the units added (positive) or removed (negative)".into(),
            ));
        }
        if units > max {
            return Err(range());
        }
        let units = units as i64;
        Ok(Self(if decimal.negative { -units } else { units }))
    }
}

/// Why a shop adjusts its stock (Shopify's reasons, the ones a small shop needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentReason {
    /// Units received.
    Restock,
    /// Units broken or lost.
    Damaged,
    /// A stock count found a different number.
    Count,
    /// A customer sent units back.
    Return,
    Other,
}

impl AdjustmentReason {
    pub const ALL: [Self; 5] = [
        Self::Restock,
        Self::Damaged,
        Self::Count,
        Self::Return,
        Self::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Restock => "restock",
            Self::Damaged => "damaged",
            Self::Count => "count",
            Self::Return => "return",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

person_text!(
    /// What a person wrote about an adjustment: the rules of a product's name (1 to 200 characters
    /// once trimmed, nothing invisible).
    Note,
    "note",
    200
);

/// The body of `POST /products/{id}/adjustments`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    pub delta: Delta,
    pub reason: AdjustmentReason,
    pub note: Option<Note>,
}

impl Adjustment {
    pub fn from_json(body: &Value) -> Result<Self, FieldError> {
        let fields = object(body)?;
        only_fields(fields, &FIELDS)?;
        let delta = fields
            .get("delta")
            .ok_or_else(|| FieldError::new("delta", "delta is required"))?;
        let reason = fields
            .get("reason")
            .ok_or_else(|| FieldError::new("reason", "reason is required"))?;
        let reasons: Vec<&str> = AdjustmentReason::ALL.iter().map(|r| r.as_str()).collect();
        let reason = reason.as_str().and_then(AdjustmentReason::parse).ok_or_else(|| {
            FieldError::new("reason", format!("reason must be one of {}", reasons.join(", ")))
        })?;
        Ok(Self {
            delta: Delta::parse(delta)?,
            reason,
            note: fields.get("note").map(Note::parse).transpose()?,
        })
    }
}

/// Why on hand changed, as the ledger records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LedgerReason {
    /// The product was created with its first stock.
    Created,
    /// `POST /products/{id}/adjustments`: see `adjustment_reason` and `note`.
    Adjustment,
    /// `PATCH /products/{id}` set `quantity`.
    Set,
    /// The consumer took an order line's units (`order_id`).
    Order,
    /// The product was deleted: the units it held left the books.
    Deleted,
}

impl LedgerReason {
    pub const ALL: [Self; 5] = [
        Self::Created,
        Self::Adjustment,
        Self::Set,
        Self::Order,
        Self::Deleted,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Adjustment => "adjustment",
            Self::Set => "set",
            Self::Order => "order",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// One change of a product's on hand, as `GET /products/{id}/ledger` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"id": "1795623553161-0", "at": "2026-11-25T16:19:13.161Z", "change": 100,
    "quantity_after": 197, "reason": "adjustment", "adjustment_reason": "restock", "note": "pallet 7"}))]
pub struct LedgerEntry {
    /// The entry's id in the ledger (a Redis stream id): pages start after it.
    pub id: String,
    /// When the change was made (RFC 3339 UTC).
    #[schema(format = DateTime)]
    pub at: String,
    /// The signed change of on hand.
    pub change: i64,
    /// On hand after the change.
    pub quantity_after: i64,
    pub reason: LedgerReason,
    /// The adjustment's reason (`reason` `adjustment` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub adjustment_reason: Option<AdjustmentReason>,
    /// The adjustment's note, if it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, nullable = false)]
    pub note: Option<Note>,
    /// The order whose line took the units (`reason` `order` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub order_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(body: Value) -> (String, String) {
        let e = Adjustment::from_json(&body).unwrap_err();
        (e.field, e.message)
    }

    #[test]
    fn an_adjustment_reads_its_delta_reason_and_note() {
        let a =
            Adjustment::from_json(&json!({"delta": "-3", "reason": "damaged", "note": " dropped "})).unwrap();
        assert_eq!(
            (a.delta.get(), a.reason, a.note.as_ref().map(Note::as_str)),
            (-3, AdjustmentReason::Damaged, Some("dropped"))
        );
        let plain = Adjustment::from_json(&json!({"delta": 1_000_000_000, "reason": "restock"})).unwrap();
        assert_eq!((plain.delta.get(), plain.note), (1_000_000_000, None));
    }

    #[test]
    fn each_bad_field_is_named() {
        for (body, field) in [
            (json!({"reason": "restock"}), "delta"),
            (json!({"delta": 0, "reason": "restock"}), "delta"),
            (json!({"delta": 1.5, "reason": "restock"}), "delta"),
            (json!({"delta": 1_000_000_001, "reason": "restock"}), "delta"),
            (json!({"delta": -1_000_000_001, "reason": "restock"}), "delta"),
            (json!({"delta": "many", "reason": "restock"}), "delta"),
            (json!({"delta": 1}), "reason"),
            (json!({"delta": 1, "reason": "theft"}), "reason"),
            (json!({"delta": 1, "reason": 5}), "reason"),
            (json!({"delta": 1, "reason": "count", "note": ""}), "note"),
            (
                json!({"delta": 1, "reason": "count", "note": "x".repeat(201)}),
                "note",
            ),
            (
                json!({"delta": 1, "reason": "count", "note": "a\u{202e}b"}),
                "note",
            ),
            (json!({"delta": 1, "reason": "count", "why": "x"}), "why"),
            (json!([1]), "body"),
        ] {
            assert_eq!(error(body.clone()).0, field, "{body}");
        }
        assert_eq!(
            error(json!({"delta": 1, "reason": "theft"})).1,
            "reason must be one of restock, damaged, count, return, other"
        );
    }

    #[test]
    fn reasons_read_back() {
        for r in LedgerReason::ALL {
            assert_eq!(LedgerReason::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), json!(r.as_str()));
        }
        for r in AdjustmentReason::ALL {
            assert_eq!(AdjustmentReason::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), json!(r.as_str()));
        }
    }
}
