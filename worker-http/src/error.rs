//! Every way a request can fail, mapped to HTTP once: `{"error": {"code", "message"}}`. The body
//! is serialized from `ErrorBody`, the same type the OpenAPI documents.

use domain::FieldError;
use serde::Serialize;
use utoipa::ToSchema;

/// The machine-readable `code` of every error the API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not JSON.
    BadJson,
    /// 401: an admin operation (a product change, the list of all orders) without the admin token.
    Unauthorized,
    /// 404: no such product, order or route.
    NotFound,
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 409: a generated id collided (never seen in practice): send the request again.
    IdTaken,
    /// 409: some lines of the order ask for more units than are available (`details` lists them).
    InsufficientStock,
    /// 409: a product's `quantity` set below what placed orders have reserved.
    QuantityBelowReserved,
    /// 409: only a `pending` order can be cancelled.
    NotCancellable,
    /// 412: `If-Match` names none of the resource's current ETags (it changed since it was
    /// read); the answer's `ETag` is the current one. Nothing changed.
    PreconditionFailed,
    /// 413: a body over 64 KiB.
    PayloadTooLarge,
    /// 415: a body that is not `application/json`, or that is compressed (`Content-Encoding`).
    UnsupportedMediaType,
    /// 422: a field is invalid; `field` names it.
    ValidationFailed,
    /// 422: this `Idempotency-Key` was used for a different request.
    IdempotencyKeyReused,
    /// 429: too many changes from this client; `Retry-After` says when to try again.
    RateLimited,
    /// 503: Redis (or the inventory, for orders) cannot be reached; retry shortly.
    RedisUnavailable,
    /// 503: the database is over its plan's quota.
    QuotaExceeded,
    /// 503: an admin operation on a deployment without `ADMIN_TOKEN`: refused until the operator
    /// sets it (no token the caller could send would do).
    AdminNotConfigured,
    /// 500: a bug on our side; the details are in the worker's log.
    InternalError,
}

/// `{"error": {"code", "message", "field"?}}`: every error of the API.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "validation_failed", "message": "price must be greater than 0", "field": "price"}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// For people; may change between versions. Match on `code`.
    pub message: String,
    /// The invalid field of a 422 (`body` for the body as a whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The lines of an order at fault: each product that is short (409 `insufficient_stock`,
    /// with what is `available` of it) or unknown (404 `not_found`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<LineProblem>>,
}

/// One line of an order that could not be placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LineProblem {
    /// The product as the line named it.
    pub product_id: String,
    /// What is available of it right now (409 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400: the body is not JSON.
    BadJson(String),
    /// 401: a mutation without the right `Authorization: Bearer <ADMIN_TOKEN>`.
    Unauthorized,
    /// 404: unknown id or route; the text says what was not found.
    NotFound(String),
    /// 405
    MethodNotAllowed,
    /// 409: the request is valid but the state does not allow it (e.g. not enough stock).
    Conflict { code: ErrorCode, message: String },
    /// 409 `insufficient_stock`: these lines ask for more than is available; nothing was placed.
    InsufficientStock(Vec<LineProblem>),
    /// 404: an order names products that do not exist; nothing was placed.
    UnknownProducts(Vec<String>),
    /// 413: body over `body::MAX_BODY`.
    PayloadTooLarge,
    /// 415: a body that is not `application/json`.
    UnsupportedMediaType,
    /// 415: a body sent with this `Content-Encoding` (compressed): only `identity` is read.
    UnsupportedEncoding(String),
    /// 422: a well-formed request with an invalid field.
    Invalid(FieldError),
    /// 422: the `Idempotency-Key` of this request was used for a different one.
    IdempotencyKeyReused,
    /// 412: `If-Match` names none of the current ETags: `current` is the one it has now (sent in
    /// the `ETag` header too). Nothing changed.
    PreconditionFailed { current: String },
    /// 429: the client's writes are over its limit; retry after that many seconds.
    RateLimited { retry_after_s: u64 },
    /// 503: Redis (or the inventory) cannot be reached, or is not configured; the service recovers
    /// by itself. `cause` is for the log only.
    Unavailable { message: String, cause: String },
    /// 503: an Upstash plan limit was hit.
    QuotaExceeded,
    /// 503: an admin operation, and this deployment has no `ADMIN_TOKEN` (closed unless
    /// configured; see `auth::check_admin`).
    AdminNotConfigured,
    /// 500: a bug or an impossible reply. Never caused by bad input; the cause goes to the log only.
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            Self::BadJson(_) => 400,
            Self::Unauthorized => 401,
            Self::NotFound(_) | Self::UnknownProducts(_) => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict { .. } | Self::InsufficientStock(_) => 409,
            Self::PayloadTooLarge => 413,
            Self::PreconditionFailed { .. } => 412,
            Self::UnsupportedMediaType | Self::UnsupportedEncoding(_) => 415,
            Self::Invalid(_) | Self::IdempotencyKeyReused => 422,
            Self::RateLimited { .. } => 429,
            Self::Unavailable { .. } | Self::QuotaExceeded | Self::AdminNotConfigured => 503,
            Self::Internal(_) => 500,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadJson(_) => ErrorCode::BadJson,
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::NotFound(_) | Self::UnknownProducts(_) => ErrorCode::NotFound,
            Self::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Self::Conflict { code, .. } => *code,
            Self::InsufficientStock(_) => ErrorCode::InsufficientStock,
            Self::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMediaType | Self::UnsupportedEncoding(_) => ErrorCode::UnsupportedMediaType,
            Self::Invalid(_) => ErrorCode::ValidationFailed,
            Self::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            Self::PreconditionFailed { .. } => ErrorCode::PreconditionFailed,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Unavailable { .. } => ErrorCode::RedisUnavailable,
            Self::QuotaExceeded => ErrorCode::QuotaExceeded,
            Self::AdminNotConfigured => ErrorCode::AdminNotConfigured,
            Self::Internal(_) => ErrorCode::InternalError,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::BadJson(why) => format!("the body is not valid JSON: {why}"),
            Self::Unauthorized => "this change needs the header Authorization: Bearer <ADMIN_TOKEN>".into(),
            Self::NotFound(what) => what.clone(),
            Self::MethodNotAllowed => "this method is not allowed on this path".into(),
            Self::Conflict { message, .. } => message.clone(),
            Self::InsufficientStock(lines) => {
                let each: Vec<String> = lines
                    .iter()
                    .map(|l| format!("{} ({} available)", l.product_id, l.available.unwrap_or(0)))
                    .collect();
                format!(
                    "not enough available of: {}; nothing was ordered",
                    each.join(", ")
                )
            }
            Self::UnknownProducts(ids) => match ids.as_slice() {
                [one] => format!("no product with the id {one}; nothing was ordered"),
                many => format!(
                    "no products with the ids {}; nothing was ordered",
                    many.join(", ")
                ),
            },
            Self::PayloadTooLarge => format!("the body is larger than {} KiB", crate::body::MAX_BODY / 1024),
            Self::UnsupportedMediaType => "send the body as Content-Type: application/json".into(),
            Self::UnsupportedEncoding(coding) => {
                format!("the body is sent with Content-Encoding: {coding}; send it uncompressed (identity)")
            }
            Self::Invalid(e) => e.message.clone(),
            Self::IdempotencyKeyReused => {
                "this Idempotency-Key was used for a different request; use a new key".into()
            }
            Self::PreconditionFailed { current } => format!(
                "it changed since that ETag was read: its ETag is now {current}; nothing was changed (read it again, then retry with If-Match: {current})"
            ),
            Self::RateLimited { retry_after_s } => {
                format!("too many changes from this client; try again in {retry_after_s} s")
            }
            Self::Unavailable { message, .. } => message.clone(),
            Self::QuotaExceeded => "the database is over its plan's quota; try again later".into(),
            Self::AdminNotConfigured => "admin operations are off: this deployment has no ADMIN_TOKEN \
                                         (its operator sets one with `make deploy`)"
                .into(),
            Self::Internal(_) => "something went wrong on our side; it has been logged".into(),
        }
    }

    /// A 503 with `message` for the client and `cause` for the log.
    pub fn unavailable(message: &str, cause: impl Into<String>) -> Self {
        Self::Unavailable {
            message: message.to_owned(),
            cause: cause.into(),
        }
    }

    /// What the log says about this error beyond its code (never sent to the client).
    pub fn cause(&self) -> Option<&str> {
        match self {
            Self::Unavailable { cause, .. } | Self::Internal(cause) => Some(cause),
            Self::AdminNotConfigured => Some("ADMIN_TOKEN is not set and ADMIN_AUTH is not `open`"),
            _ => None,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let field = match self {
            Self::Invalid(e) => Some(e.field.clone()),
            Self::IdempotencyKeyReused => Some(domain::idempotency::HEADER.to_owned()),
            _ => None,
        };
        let details = match self {
            Self::InsufficientStock(lines) => Some(lines.clone()),
            Self::UnknownProducts(ids) => Some(
                ids.iter()
                    .map(|id| LineProblem {
                        product_id: id.clone(),
                        available: None,
                    })
                    .collect(),
            ),
            _ => None,
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.message(),
                field,
                details,
            },
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e)
    }
}

impl From<upstash_rest::Error> for ApiError {
    /// Redis being down or over quota is a 503 the client may retry; anything else Redis says is
    /// our bug (the requests are built here), so a 500 whose details only reach the log.
    fn from(e: upstash_rest::Error) -> Self {
        use upstash_rest::Error as E;
        // The client's errors never hold the token (it redacts them); the whole text is the cause.
        let cause = format!("redis: {e}");
        match e {
            E::Transport { .. } | E::Unavailable { .. } => {
                Self::unavailable("Redis is unreachable right now; try again shortly", cause)
            }
            E::Auth(_) => Self::unavailable("Redis refused this service's credentials", cause),
            E::Quota { .. } => Self::QuotaExceeded,
            E::Redis(_) | E::Decode(_) | E::InvalidRequest(_) | E::Config(_) => Self::Internal(cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_order_that_cannot_be_placed_lists_each_line_at_fault() {
        let short = ApiError::InsufficientStock(vec![LineProblem {
            product_id: "01A".into(),
            available: Some(2),
        }]);
        assert_eq!(
            serde_json::to_value(short.body()).unwrap(),
            json!({"error": {"code": "insufficient_stock",
                "message": "not enough available of: 01A (2 available); nothing was ordered",
                "details": [{"product_id": "01A", "available": 2}]}})
        );
        let unknown = ApiError::UnknownProducts(vec!["x".into(), "y".into()]);
        assert_eq!(unknown.status(), 404);
        assert_eq!(
            serde_json::to_value(unknown.body()).unwrap()["error"]["details"],
            json!([{"product_id": "x"}, {"product_id": "y"}])
        );
    }

    #[test]
    fn a_failed_precondition_says_the_current_etag() {
        let e = ApiError::PreconditionFailed {
            current: "\"4.2\"".into(),
        };
        assert_eq!((e.status(), e.code()), (412, ErrorCode::PreconditionFailed));
        assert!(e.message().contains("\"4.2\""), "{}", e.message());
    }

    #[test]
    fn validation_errors_name_the_field() {
        let e = ApiError::from(FieldError::new("price", "price must be greater than 0"));
        assert_eq!(e.status(), 422);
        assert_eq!(
            serde_json::to_value(e.body()).unwrap(),
            json!({"error": {"code": "validation_failed", "message": "price must be greater than 0", "field": "price"}})
        );
    }

    #[test]
    fn redis_trouble_is_503_and_never_shows_its_text() {
        let down = ApiError::from(upstash_rest::Error::Transport {
            message: "secret-host refused".into(),
            maybe_sent: false,
        });
        assert_eq!((down.status(), down.code()), (503, ErrorCode::RedisUnavailable));
        assert!(!down.message().contains("secret-host"));
        assert!(
            down.cause().is_some_and(|c| c.contains("secret-host refused")),
            "the log gets it all"
        );
        let quota = ApiError::from(upstash_rest::Error::from_redis_message(
            "ERR max requests limit exceeded. Limit: 1",
        ));
        assert_eq!((quota.status(), quota.code()), (503, ErrorCode::QuotaExceeded));
        let bug = ApiError::from(upstash_rest::Error::Redis("WRONGTYPE Operation".into()));
        assert_eq!(bug.status(), 500);
        assert!(!bug.message().contains("WRONGTYPE"));
        assert!(bug.cause().is_some_and(|c| c.contains("WRONGTYPE")));
    }
}
