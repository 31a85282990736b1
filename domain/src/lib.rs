//! The shop's domain, free of I/O so that it is tested natively: types that can only hold valid
//! values (`ProductName::parse`, `Cents`, `Quantity`: private fields, checked constructors), and the rules of the original tutorial with
//! its mistakes fixed (integer cents, a total that counts the quantity, validation with the field).

pub mod chars;
pub mod decimal;
pub mod id;
pub mod idempotency;
pub mod money;
pub mod openapi;
pub mod order;
pub mod page;
pub mod precondition;
pub mod product;
pub mod stock;
pub mod time;
pub mod validation;

pub use id::Id;
pub use idempotency::IdempotencyKey;
pub use money::{Cents, FeeRate};
pub use order::{
    LineRequest, Order, OrderLine, OrderRequest, OrderRequestError, OrderState, OrderStatus, RefundReason,
};
pub use page::{Cursor, EntryId, EntryPage, EntryPageRequest, Listing, Page, PageRequest};
pub use precondition::{Condition, ETag};
pub use product::{NewProduct, Product, ProductName, ProductPatch, Quantity};
pub use stock::{Adjustment, AdjustmentReason, Delta, LedgerEntry, LedgerReason, Note};
pub use validation::FieldError;
