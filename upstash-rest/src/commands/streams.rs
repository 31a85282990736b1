//! XADD, XGROUP CREATE, XREADGROUP, XACK, XAUTOCLAIM, XPENDING, XLEN, XTRIM, XRANGE, XREVRANGE, XDEL,
//! XINFO GROUPS. Never BLOCK (Upstash REST does not block): poll and sleep between empty reads.

use crate::commands::stream_types::{
    self as types, AutoClaim, GroupInfo, PendingEntry, PendingSummary, StreamEntry, StreamId,
};
use crate::replies;
use crate::{Command, ToArg, TypedCommand};

/// The XREADGROUP ID meaning "entries never delivered to any consumer of the group".
pub const NEW_ENTRIES: &str = ">";

/// Stream trimming for XADD and XTRIM. `approx` adds `~` (cheaper; Redis may keep a few more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    MaxLen { len: u64, approx: bool },
    MinId { id: StreamId, approx: bool },
}

impl Trim {
    fn push(self, c: Command) -> Command {
        match self {
            Trim::MaxLen { len, approx } => c.arg("MAXLEN").flag(approx, "~").arg(len),
            Trim::MinId { id, approx } => c.arg("MINID").flag(approx, "~").arg(id),
        }
    }
}

/// Decodes to the new entry's ID (`*`: Redis picks it).
pub fn xadd<F: ToArg, V: ToArg>(
    key: impl ToArg,
    fields: impl IntoIterator<Item = (F, V)>,
    trim: Option<Trim>,
) -> TypedCommand<StreamId> {
    let mut c = Command::new("XADD").arg(key);
    if let Some(t) = trim {
        c = t.push(c);
    }
    let c = fields.into_iter().fold(c.arg("*"), |c, (f, v)| c.arg(f).arg(v));
    TypedCommand::new(c, |reply| types::id(reply?))
}

/// `XGROUP CREATE key group start MKSTREAM`. Decodes to true if created, false if the group
/// already existed (BUSYGROUP). `start` is `"$"` (only new entries), `"0"` (all) or an ID.
pub fn xgroup_create(key: impl ToArg, group: impl ToArg, start: impl ToArg) -> TypedCommand<bool> {
    let c = Command::new("XGROUP")
        .arg("CREATE")
        .arg(key)
        .arg(group)
        .arg(start)
        .arg("MKSTREAM");
    TypedCommand::new(c, |reply| match reply {
        Err(e) if e.is_redis_code("BUSYGROUP") => Ok(false),
        other => replies::ok(other).map(|()| true),
    })
}

/// `XREADGROUP GROUP g c COUNT n STREAMS key id`: `id` is [`NEW_ENTRIES`] for new entries, or an
/// ID to re-read this consumer's pending entries after it. Nothing to read decodes to empty.
pub fn xreadgroup(
    group: impl ToArg,
    consumer: impl ToArg,
    key: impl ToArg,
    id: impl ToArg,
    count: u64,
) -> TypedCommand<Vec<StreamEntry>> {
    let c = Command::new("XREADGROUP")
        .arg("GROUP")
        .arg(group)
        .arg(consumer)
        .arg("COUNT")
        .arg(count);
    TypedCommand::new(c.arg("STREAMS").arg(key).arg(id), types::read_reply)
}

/// Decodes to the number of entries acknowledged.
pub fn xack(
    key: impl ToArg,
    group: impl ToArg,
    ids: impl IntoIterator<Item = impl ToArg>,
) -> TypedCommand<u64> {
    TypedCommand::new(Command::new("XACK").arg(key).arg(group).args(ids), replies::count)
}

/// Claims up to `count` entries pending longer than `min_idle_ms`, scanning from `start`.
pub fn xautoclaim(
    key: impl ToArg,
    group: impl ToArg,
    consumer: impl ToArg,
    min_idle_ms: u64,
    start: StreamId,
    count: u64,
) -> TypedCommand<AutoClaim> {
    let c = Command::new("XAUTOCLAIM")
        .arg(key)
        .arg(group)
        .arg(consumer)
        .arg(min_idle_ms)
        .arg(start);
    TypedCommand::new(c.arg("COUNT").arg(count), types::auto_claim)
}

/// The summary form: `XPENDING key group`.
pub fn xpending(key: impl ToArg, group: impl ToArg) -> TypedCommand<PendingSummary> {
    TypedCommand::new(
        Command::new("XPENDING").arg(key).arg(group),
        types::pending_summary,
    )
}

/// Which pending entries to list with [`xpending_range`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingQuery {
    pub start: String,
    pub end: String,
    pub count: u64,
    pub min_idle_ms: Option<u64>,
    pub consumer: Option<String>,
}

impl PendingQuery {
    /// The first `count` pending entries of the group (`- + count`).
    pub fn first(count: u64) -> Self {
        Self {
            start: "-".into(),
            end: "+".into(),
            count,
            min_idle_ms: None,
            consumer: None,
        }
    }

    pub fn after(mut self, id: StreamId) -> Self {
        self.start = format!("({id}");
        self
    }

    pub fn min_idle(mut self, ms: u64) -> Self {
        self.min_idle_ms = Some(ms);
        self
    }

    pub fn consumer(mut self, consumer: impl Into<String>) -> Self {
        self.consumer = Some(consumer.into());
        self
    }
}

/// The extended form: `XPENDING key group [IDLE ms] start end count [consumer]`.
pub fn xpending_range(
    key: impl ToArg,
    group: impl ToArg,
    query: &PendingQuery,
) -> TypedCommand<Vec<PendingEntry>> {
    let mut c = Command::new("XPENDING").arg(key).arg(group);
    if let Some(ms) = query.min_idle_ms {
        c = c.arg("IDLE").arg(ms);
    }
    c = c.arg(&query.start).arg(&query.end).arg(query.count);
    if let Some(consumer) = &query.consumer {
        c = c.arg(consumer);
    }
    TypedCommand::new(c, types::pending_entries)
}

pub fn xlen(key: impl ToArg) -> TypedCommand<u64> {
    TypedCommand::new(Command::new("XLEN").arg(key), replies::count)
}

/// Decodes to the number of entries removed.
pub fn xtrim(key: impl ToArg, trim: Trim) -> TypedCommand<u64> {
    TypedCommand::new(trim.push(Command::new("XTRIM").arg(key)), replies::count)
}

/// Entries from `start` to `end` inclusive (`"-"`/`"+"` for the ends), at most `count`.
pub fn xrange(
    key: impl ToArg,
    start: impl ToArg,
    end: impl ToArg,
    count: Option<u64>,
) -> TypedCommand<Vec<StreamEntry>> {
    let c = Command::new("XRANGE").arg(key).arg(start).arg(end);
    let c = match count {
        Some(n) => c.arg("COUNT").arg(n),
        None => c,
    };
    TypedCommand::new(c, types::entries)
}

/// Entries from `end` down to `start` inclusive (`"+"`/`"-"` for the ends; `(id` excludes it),
/// newest first, at most `count`.
pub fn xrevrange(
    key: impl ToArg,
    end: impl ToArg,
    start: impl ToArg,
    count: Option<u64>,
) -> TypedCommand<Vec<StreamEntry>> {
    let c = Command::new("XREVRANGE").arg(key).arg(end).arg(start);
    let c = match count {
        Some(n) => c.arg("COUNT").arg(n),
        None => c,
    };
    TypedCommand::new(c, types::entries)
}

/// Decodes to the number of entries deleted.
pub fn xdel(key: impl ToArg, ids: impl IntoIterator<Item = impl ToArg>) -> TypedCommand<u64> {
    TypedCommand::new(Command::new("XDEL").arg(key).args(ids), replies::count)
}

pub fn xinfo_groups(key: impl ToArg) -> TypedCommand<Vec<GroupInfo>> {
    TypedCommand::new(Command::new("XINFO").arg("GROUPS").arg(key), types::groups)
}

client_methods! {
    xadd<F: ToArg, V: ToArg>(
        key: impl ToArg,
        fields: impl IntoIterator<Item = (F, V)>,
        trim: Option<Trim>,
    ) -> StreamId;
    xgroup_create(key: impl ToArg, group: impl ToArg, start: impl ToArg) -> bool;
    xreadgroup(
        group: impl ToArg,
        consumer: impl ToArg,
        key: impl ToArg,
        id: impl ToArg,
        count: u64,
    ) -> Vec<StreamEntry>;
    xack(key: impl ToArg, group: impl ToArg, ids: impl IntoIterator<Item = impl ToArg>) -> u64;
    xautoclaim(
        key: impl ToArg,
        group: impl ToArg,
        consumer: impl ToArg,
        min_idle_ms: u64,
        start: StreamId,
        count: u64,
    ) -> AutoClaim;
    xpending(key: impl ToArg, group: impl ToArg) -> PendingSummary;
    xpending_range(key: impl ToArg, group: impl ToArg, query: &PendingQuery) -> Vec<PendingEntry>;
    xlen(key: impl ToArg) -> u64;
    xtrim(key: impl ToArg, trim: Trim) -> u64;
    xrange(key: impl ToArg, start: impl ToArg, end: impl ToArg, count: Option<u64>) -> Vec<StreamEntry>;
    xrevrange(key: impl ToArg, end: impl ToArg, start: impl ToArg, count: Option<u64>) -> Vec<StreamEntry>;
    xdel(key: impl ToArg, ids: impl IntoIterator<Item = impl ToArg>) -> u64;
    xinfo_groups(key: impl ToArg) -> Vec<GroupInfo>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::wire;
    use crate::{Error, Value};

    #[test]
    fn wire_format() {
        let trim = Some(Trim::MaxLen {
            len: 1000,
            approx: true,
        });
        assert_eq!(
            wire(xadd("s", [("f", "v")], trim).command()),
            r#"["XADD","s","MAXLEN","~","1000","*","f","v"]"#
        );
        let trim = Trim::MinId {
            id: StreamId::new(5, 1),
            approx: false,
        };
        assert_eq!(wire(xtrim("s", trim).command()), r#"["XTRIM","s","MINID","5-1"]"#);
        assert_eq!(
            wire(xreadgroup("g", "c", "s", NEW_ENTRIES, 10).command()),
            r#"["XREADGROUP","GROUP","g","c","COUNT","10","STREAMS","s",">"]"#
        );
        assert_eq!(
            wire(xgroup_create("s", "g", "$").command()),
            r#"["XGROUP","CREATE","s","g","$","MKSTREAM"]"#
        );
        assert_eq!(
            wire(xautoclaim("s", "g", "c", 60000, StreamId::ZERO, 5).command()),
            r#"["XAUTOCLAIM","s","g","c","60000","0-0","COUNT","5"]"#
        );
        let q = PendingQuery::first(10).min_idle(500).consumer("c");
        assert_eq!(
            wire(xpending_range("s", "g", &q).command()),
            r#"["XPENDING","s","g","IDLE","500","-","+","10","c"]"#
        );
        assert_eq!(
            wire(xack("s", "g", [StreamId::new(1, 0)]).command()),
            r#"["XACK","s","g","1-0"]"#
        );
        assert_eq!(
            wire(xrange("s", "-", "+", Some(2)).command()),
            r#"["XRANGE","s","-","+","COUNT","2"]"#
        );
        assert_eq!(
            wire(xrevrange("s", "(5-1", "-", Some(3)).command()),
            r#"["XREVRANGE","s","(5-1","-","COUNT","3"]"#
        );
        assert!(xrevrange("s", "+", "-", None).command().is_idempotent());
    }

    #[test]
    fn idempotency_of_stream_commands() {
        assert!(!xadd("s", [("f", "v")], None).command().is_idempotent());
        assert!(!xreadgroup("g", "c", "s", NEW_ENTRIES, 1)
            .command()
            .is_idempotent());
        assert!(!xautoclaim("s", "g", "c", 0, StreamId::ZERO, 1)
            .command()
            .is_idempotent());
        assert!(xack("s", "g", ["1-0"]).command().is_idempotent());
        assert!(xgroup_create("s", "g", "$").command().is_idempotent());
        assert!(xinfo_groups("s").command().is_idempotent());
    }

    #[test]
    fn busygroup_means_already_exists() {
        let busy = Error::Redis("BUSYGROUP Consumer Group name already exists".into());
        assert_eq!(xgroup_create("s", "g", "$").decode(Err(busy)), Ok(false));
        assert_eq!(xgroup_create("s", "g", "$").decode(Ok("OK".into())), Ok(true));
        let other = Error::Redis("WRONGTYPE Operation against a key holding the wrong kind of value".into());
        assert_eq!(
            xgroup_create("s", "g", "$").decode(Err(other.clone())),
            Err(other)
        );
    }

    #[test]
    fn xadd_reply() {
        assert_eq!(
            xadd("s", [("f", "v")], None).decode(Ok("1717000000000-3".into())),
            Ok(StreamId::new(1717000000000, 3))
        );
        assert!(matches!(
            xadd("s", [("f", "v")], None).decode(Ok(Value::Null)),
            Err(Error::Decode(_))
        ));
    }
}
