//! The books audit on live data: what `test_support::books` checks after each test, for an
//! operator (consumer-cron's `GET /audit`), and the repair of the one derived count (`reserved`).
//!
//! It never holds Upstash's global lock for long, however big the shop: one snapshot of the
//! orders that can hold reservations (bounded by the orders in flight), then pages of the
//! catalogue (at most [`PRODUCTS_PER_PAGE`] products and [`LEDGER_ENTRIES_PER_PAGE`] ledger
//! entries each) and of the order history ([`ORDERS_PER_PAGE`]), each one read-only script
//! (`EVAL_RO`) that checks in Lua and answers only counts and problems (so that the worker's CPU
//! time stays small too). One request makes at most [`ROUND_TRIPS_PER_REQUEST`] round trips (a
//! free Workers plan allows 50 subrequests); a bigger shop's audit continues where the answer's
//! `next` says.

use serde::Serialize;
use upstash_rest::{scripts, Client, Error, Transport, Value};

use crate::schema::{audit, Stream};
use crate::script::{number, Script};
use crate::Keys;

pub(crate) static AUDIT_PAGE: Script = script!("audit_page.lua");
pub(crate) static AUDIT_RESERVATIONS: Script = script!("audit_reservations.lua");

/// Products a page of the audit checks at most.
pub const PRODUCTS_PER_PAGE: u32 = 200;
/// Ledger entries a page reads at most (a longer ledger goes on on the next page).
pub const LEDGER_ENTRIES_PER_PAGE: u32 = 5_000;
/// Orders a page of the audit checks at most.
pub const ORDERS_PER_PAGE: u32 = 500;
/// Round trips of one audit request at most (the free Workers plan allows 50 subrequests).
pub const ROUND_TRIPS_PER_REQUEST: u32 = 40;

/// The list name of the audit's continuation cursors.
pub const AUDIT_LIST: &str = "audit";

/// What is wrong, as the audit names it (`schema::audit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A ledger entry's `quantity_after` is not the previous one's plus its `change`.
    LedgerChain,
    /// On hand is not the newest ledger entry's `quantity_after`.
    OnHandMismatch,
    /// A product has no ledger.
    LedgerMissing,
    /// A product's hash has no numeric `quantity`.
    DamagedProduct,
    /// `reserved` is not the units of the orders holding a reservation.
    ReservedMismatch,
    /// More units reserved than on hand.
    ReservedOverOnHand,
    /// An order still pending past its due time plus the grace.
    OverduePayment,
    /// A pending order that nothing would ever complete (not in the pending set).
    PendingUnscheduled,
    /// A refunded or cancelled order still holding its reservation.
    ReleasedHolding,
    /// A completed order still holding its reservation past `CONSUMER_LAG_ALERT_MS`.
    CompletedHolding,
    /// An order without a status.
    DamagedOrder,
}

impl ProblemKind {
    pub const ALL: [Self; 11] = [
        Self::LedgerChain,
        Self::OnHandMismatch,
        Self::LedgerMissing,
        Self::DamagedProduct,
        Self::ReservedMismatch,
        Self::ReservedOverOnHand,
        Self::OverduePayment,
        Self::PendingUnscheduled,
        Self::ReleasedHolding,
        Self::CompletedHolding,
        Self::DamagedOrder,
    ];

    /// Its name in the scripts' replies and in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::LedgerChain => audit::LEDGER_CHAIN,
            Self::OnHandMismatch => audit::ON_HAND_MISMATCH,
            Self::LedgerMissing => audit::LEDGER_MISSING,
            Self::DamagedProduct => audit::DAMAGED_PRODUCT,
            Self::ReservedMismatch => audit::RESERVED_MISMATCH,
            Self::ReservedOverOnHand => audit::RESERVED_OVER_ON_HAND,
            Self::OverduePayment => audit::OVERDUE_PAYMENT,
            Self::PendingUnscheduled => audit::PENDING_UNSCHEDULED,
            Self::ReleasedHolding => audit::RELEASED_HOLDING,
            Self::CompletedHolding => audit::COMPLETED_HOLDING,
            Self::DamagedOrder => audit::DAMAGED_ORDER,
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A value the audit expected or found: a count of units, or a word (a status, `none`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Observed {
    Units(i64),
    Text(String),
}

impl Observed {
    fn of(value: Option<&Value>) -> Self {
        match value {
            Some(v) => match v.as_int() {
                Some(n) => Self::Units(n),
                None => {
                    let text = v.as_str().unwrap_or_default();
                    text.parse()
                        .map_or_else(|_| Self::Text(text.to_owned()), Self::Units)
                }
            },
            None => Self::Text(String::new()),
        }
    }
}

/// One way the books do not balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"kind": "reserved_mismatch", "product_id": "01JDQ3T0X6M6V1W3C6W7N5K8ZP", "expected": 3, "found": 5}))]
pub struct Problem {
    pub kind: ProblemKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub product_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub order_id: Option<String>,
    /// What the books say it should be.
    pub expected: Observed,
    /// What Redis holds.
    pub found: Observed,
}

/// What an audit answer looked at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Checked {
    /// Products whose ledger and on hand were compared.
    pub products: u64,
    /// Ledger entries read.
    pub ledger_entries: u64,
    /// Orders of the history checked.
    pub orders: u64,
    /// Orders named by the pending set, the `order_completed` stream and its dead letters (the
    /// snapshot; 0 in a continued audit, which does not take it again).
    pub orders_in_flight: u64,
    /// Of those, the orders holding their reservation.
    pub orders_holding_stock: u64,
    /// Products whose `reserved` count was compared with those orders.
    pub reserved_products: u64,
}

/// `GET /audit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditReport {
    /// No problem found (in what this answer checked).
    pub ok: bool,
    /// The whole shop was checked; else `next` continues.
    pub complete: bool,
    pub checked: Checked,
    pub problems: Vec<Problem>,
    /// Where to continue (`GET /audit?cursor=<next>`), `null` once complete.
    #[schema(required = true)]
    pub next: Option<String>,
}

/// One count the repair rewrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReservedChange {
    pub product_id: String,
    /// What `reserved` held (0 when it had no count).
    pub before: Observed,
    /// What the orders holding reservations add up to, as it is now.
    pub after: u64,
}

/// `POST /audit/repair`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Repair {
    /// Every count it rewrote; empty when `reserved` was right (running it again changes nothing).
    pub changed: Vec<ReservedChange>,
    pub checked: Checked,
}

/// The clock, the thresholds and the bounds of an audit.
#[derive(Debug, Clone, Copy)]
pub struct AuditSettings {
    pub now_ms: u64,
    /// A pending payment is overdue this long after it was due (`PAYMENT_GRACE_MS`).
    pub payment_grace_ms: u64,
    /// A completed order may hold its reservation this long (`CONSUMER_LAG_ALERT_MS`).
    pub lag_alert_ms: u64,
    /// Round trips of one request at most.
    pub round_trips: u32,
    pub products_per_page: u32,
    pub ledger_entries_per_page: u32,
    pub orders_per_page: u32,
}

impl AuditSettings {
    /// An audit at `now_ms` with these thresholds and the default bounds.
    pub fn new(now_ms: u64, payment_grace_ms: u64, lag_alert_ms: u64) -> Self {
        Self {
            now_ms,
            payment_grace_ms,
            lag_alert_ms,
            round_trips: ROUND_TRIPS_PER_REQUEST,
            products_per_page: PRODUCTS_PER_PAGE,
            ledger_entries_per_page: LEDGER_ENTRIES_PER_PAGE,
            orders_per_page: ORDERS_PER_PAGE,
        }
    }
}

/// Where an audit goes on: in the catalogue (the product it stopped at, and if it stopped inside
/// its ledger, the entry and the running count there), or in the order history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    Products {
        score: String,
        id: String,
        entry: String,
        running: String,
    },
    Orders {
        score: String,
        id: String,
    },
}

impl Position {
    const PRODUCTS: &'static str = "p";
    const ORDERS: &'static str = "o";

    fn start_of_products() -> Self {
        Self::Products {
            score: String::new(),
            id: String::new(),
            entry: String::new(),
            running: String::new(),
        }
    }

    /// `audit.p_<score>_<id>_<entry>_<running>` or `audit.o_<score>_<id>`.
    pub fn text(&self) -> String {
        let parts = match self {
            Self::Products {
                score,
                id,
                entry,
                running,
            } => [Self::PRODUCTS, score, id, entry, running].join("_"),
            Self::Orders { score, id } => [Self::ORDERS, score, id].join("_"),
        };
        format!("{AUDIT_LIST}.{parts}")
    }

    /// What [`text`](Self::text) writes; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix(AUDIT_LIST)?.strip_prefix('.')?;
        let parts: Vec<&str> = rest.split('_').collect();
        let digits = |t: &str| t.len() <= 20 && t.bytes().all(|b| b.is_ascii_digit());
        let id_ok = |t: &str| t.len() <= 64 && t.bytes().all(|b| b.is_ascii_alphanumeric());
        let (score, id) = (*parts.get(1)?, *parts.get(2)?);
        if !digits(score) || !id_ok(id) || score.is_empty() != id.is_empty() {
            return None;
        }
        match (parts[0], parts.len()) {
            (Self::PRODUCTS, 5) => {
                let (entry, running) = (parts[3], parts[4]);
                let entry_ok = entry.is_empty() || domain::EntryId::parse(entry).is_some();
                let running_ok = running.is_empty() || running.parse::<i64>().is_ok();
                (entry_ok && running_ok && (entry.is_empty() || !id.is_empty())).then(|| Self::Products {
                    score: score.into(),
                    id: id.into(),
                    entry: entry.into(),
                    running: running.into(),
                })
            }
            (Self::ORDERS, 3) => Some(Self::Orders {
                score: score.into(),
                id: id.into(),
            }),
            _ => None,
        }
    }
}

/// What one page found, and where the next starts.
struct PageOutcome {
    more: bool,
    next: Position,
    done: u64,
    read: u64,
    problems: Vec<Problem>,
}

pub struct Audit<'a, T> {
    client: &'a Client<T>,
    keys: &'a Keys,
}

impl<'a, T: Transport> Audit<'a, T> {
    pub fn new(client: &'a Client<T>, keys: &'a Keys) -> Self {
        Self { client, keys }
    }

    /// Audits from `from` (`None`: from the start, the reservations' snapshot first), page after
    /// page until the whole shop is checked or `settings.round_trips` are spent.
    pub async fn run(&self, from: Option<&Position>, settings: &AuditSettings) -> Result<AuditReport, Error> {
        let mut report = AuditReport::default();
        let mut trips = 0;
        let mut at = match from {
            Some(position) => position.clone(),
            None => {
                let snapshot = self.reservations(false, settings).await?;
                trips += 1;
                report.checked = snapshot.checked;
                report.problems = snapshot.problems;
                Position::start_of_products()
            }
        };
        loop {
            if trips >= settings.round_trips.max(1) {
                report.next = Some(at.text());
                break;
            }
            let page = self.page(&at, settings).await?;
            trips += 1;
            let orders = matches!(at, Position::Orders { .. });
            if orders {
                report.checked.orders += page.done;
            } else {
                report.checked.products += page.done;
                report.checked.ledger_entries += page.read;
            }
            report.problems.extend(page.problems);
            at = match (orders, page.more) {
                (_, true) => page.next,
                (false, false) => Position::Orders {
                    score: String::new(),
                    id: String::new(),
                },
                (true, false) => break,
            };
        }
        report.ok = report.problems.is_empty();
        report.complete = report.next.is_none();
        Ok(report)
    }

    /// Rebuilds `reserved` from the orders holding reservations, in one script (idempotent: a
    /// second run changes nothing).
    pub async fn repair(&self, settings: &AuditSettings) -> Result<Repair, Error> {
        let done = self.reservations(true, settings).await?;
        Ok(Repair {
            changed: done.changes,
            checked: done.checked,
        })
    }

    /// The snapshot of the orders in flight against `reserved` (one round trip): checked, or
    /// repaired.
    async fn reservations(&self, repair: bool, settings: &AuditSettings) -> Result<Snapshot, Error> {
        let keys = [
            self.keys.pending_orders(),
            self.keys.stream(Stream::OrderCompleted),
            self.keys.dead_letters(Stream::OrderCompleted),
            self.keys.reserved(),
        ];
        let mode = if repair { audit::REPAIR } else { audit::CHECK };
        let cutoff = settings.now_ms.saturating_sub(settings.payment_grace_ms);
        let args = [
            self.keys.order_prefix(),
            self.keys.product_prefix(),
            mode.to_owned(),
            cutoff.to_string(),
        ];
        let source = AUDIT_RESERVATIONS.source();
        let command = if repair {
            // Safe to send again: it writes what the orders say, whatever it finds.
            scripts::eval(source, keys, args).idempotent(true)
        } else {
            scripts::eval_ro(source, keys, args)
        };
        let parts = self.client.run(command).await?.into_array().unwrap_or_default();
        let count = |i: usize| number(parts.get(i)).unwrap_or(0);
        let changes = parts
            .get(4)
            .and_then(Value::as_array)
            .unwrap_or_default()
            .chunks(3)
            .filter_map(|c| {
                Some(ReservedChange {
                    product_id: c.first()?.as_str()?.to_owned(),
                    before: Observed::of(c.get(1)),
                    after: number(c.get(2))?,
                })
            })
            .collect();
        Ok(Snapshot {
            checked: Checked {
                orders_in_flight: count(0),
                orders_holding_stock: count(1),
                reserved_products: count(2),
                ..Checked::default()
            },
            problems: problems_of(parts.get(3)),
            changes,
        })
    }

    /// One page of the catalogue or of the history after `at` (one round trip, read-only).
    async fn page(&self, at: &Position, settings: &AuditSettings) -> Result<PageOutcome, Error> {
        // audit_page.lua's ARGV: what is walked, its keys' prefix, the walk's own value, the
        // cursor (score, id, and for products the ledger entry and running count), the bounds.
        let none = String::new();
        let (keys, walked, prefix, own, cursor, per_page, bound) = match at {
            Position::Products {
                score,
                id,
                entry,
                running,
            } => (
                vec![self.keys.products()],
                audit::PRODUCTS,
                self.keys.product_prefix(),
                self.keys.ledger_prefix(),
                [score, id, entry, running],
                settings.products_per_page,
                u64::from(settings.ledger_entries_per_page.max(1)),
            ),
            Position::Orders { score, id } => (
                vec![self.keys.orders(), self.keys.pending_orders()],
                audit::ORDERS,
                self.keys.order_prefix(),
                settings.now_ms.to_string(),
                [score, id, &none, &none],
                settings.orders_per_page,
                settings.lag_alert_ms,
            ),
        };
        let mut args = vec![walked.to_owned(), prefix, own];
        args.extend(cursor.into_iter().cloned());
        args.extend([per_page.max(1).to_string(), bound.to_string()]);
        let reply = self
            .client
            .run(scripts::eval_ro(AUDIT_PAGE.source(), keys, args))
            .await?;
        let parts = reply.into_array().unwrap_or_default();
        let text = |i: usize| match parts.get(i) {
            Some(v) => v
                .as_int()
                .map(|n| n.to_string())
                .or_else(|| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            None => String::new(),
        };
        let (score, id) = (text(1), text(2));
        let next = match at {
            Position::Products { .. } => Position::Products {
                score,
                id,
                entry: text(3),
                running: text(4),
            },
            Position::Orders { .. } => Position::Orders { score, id },
        };
        Ok(PageOutcome {
            more: number(parts.first()) == Some(1),
            next,
            done: number(parts.get(5)).unwrap_or(0),
            read: number(parts.get(6)).unwrap_or(0),
            problems: problems_of(parts.get(7)),
        })
    }
}

/// What the reservations' script found.
struct Snapshot {
    checked: Checked,
    problems: Vec<Problem>,
    changes: Vec<ReservedChange>,
}

/// Problems from a flat `(kind, product id, order id, expected, found)` list.
fn problems_of(flat: Option<&Value>) -> Vec<Problem> {
    let present = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    flat.and_then(Value::as_array)
        .unwrap_or_default()
        .chunks(5)
        .filter_map(|p| {
            Some(Problem {
                kind: ProblemKind::parse(p.first()?.as_str()?)?,
                product_id: present(p.get(1)),
                order_id: present(p.get(2)),
                expected: Observed::of(p.get(3)),
                found: Observed::of(p.get(4)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_the_schemas_names() {
        for kind in ProblemKind::ALL {
            assert_eq!(ProblemKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.as_str())
            );
        }
    }

    #[test]
    fn positions_read_back_and_nothing_else_does() {
        let positions = [
            Position::start_of_products(),
            Position::Products {
                score: "1795623553161".into(),
                id: "01JDQ3T0X6M6V1W3C6W7N5K8ZP".into(),
                entry: "1795623553161-3".into(),
                running: "-4".into(),
            },
            Position::Orders {
                score: String::new(),
                id: String::new(),
            },
            Position::Orders {
                score: "5".into(),
                id: "01JDQ3T0X6M6V1W3C6W7N5K8ZP".into(),
            },
        ];
        for p in positions {
            assert_eq!(Position::parse(&p.text()), Some(p.clone()), "{}", p.text());
        }
        for bad in [
            "",
            "audit",
            "audit.x_1_A",
            "ledger.o_1_A",
            "audit.o_1_",
            "audit.o_1_A_B",
            "audit.p_1_A_x_1",
            "audit.p_1_A_1-0_y",
            "audit.p___1-0_",
            "audit.o_a_A",
        ] {
            assert_eq!(Position::parse(bad), None, "{bad}");
        }
    }
}
