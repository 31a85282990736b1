//! XGROUP CREATE (the consumer's groups), XREADGROUP and XRANGE (what the tests read of the
//! streams, and a page of dead letters), XREVRANGE (a page of a product's ledger); the consumer
//! itself reads, acknowledges and claims inside its Lua script. Never BLOCK: Upstash REST does not
//! block.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::replies;
use crate::{Command, Error, ToArg, TypedCommand, Value};

/// A stream entry ID `<ms>-<seq>`, ordered as Redis orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const fn new(ms: u64, seq: u64) -> Self {
        Self { ms, seq }
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// Parses `ms-seq`, or `ms` alone (sequence 0).
impl FromStr for StreamId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::decode(format!("invalid stream id {s:?}"));
        let (ms, seq) = s.split_once('-').unwrap_or((s, "0"));
        Ok(Self {
            ms: ms.parse().map_err(|_| bad())?,
            seq: seq.parse().map_err(|_| bad())?,
        })
    }
}

/// One entry. `deleted` marks an ID still pending whose entry was trimmed or XDEL'ed (Redis sends
/// its fields as null): such an entry has no fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StreamEntry {
    pub id: StreamId,
    pub fields: BTreeMap<String, Vec<u8>>,
    pub deleted: bool,
}

impl StreamEntry {
    pub fn get(&self, field: &str) -> Option<&[u8]> {
        self.fields.get(field).map(Vec::as_slice)
    }

    pub fn get_str(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(|b| std::str::from_utf8(b).ok())
    }
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

/// `XREADGROUP GROUP g c COUNT n STREAMS key id`: `id` is `">"` for entries never delivered, or
/// an ID to re-read this consumer's pending entries after it. Nothing to read decodes to empty.
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
    TypedCommand::new(c.arg("STREAMS").arg(key).arg(id), read_reply)
}

/// Entries from `start` to `end` inclusive (`"-"`/`"+"` for the ends), at most `count`.
pub fn xrange(
    key: impl ToArg,
    start: impl ToArg,
    end: impl ToArg,
    count: Option<u64>,
) -> TypedCommand<Vec<StreamEntry>> {
    range("XRANGE", key, start, end, count)
}

/// `name key from to [COUNT count]`, decoded to its entries.
fn range(
    name: &str,
    key: impl ToArg,
    from: impl ToArg,
    to: impl ToArg,
    count: Option<u64>,
) -> TypedCommand<Vec<StreamEntry>> {
    let c = Command::new(name).arg(key).arg(from).arg(to);
    let c = match count {
        Some(n) => c.arg("COUNT").arg(n),
        None => c,
    };
    TypedCommand::new(c, entries)
}

/// Entries from `end` down to `start` inclusive (`"+"`/`"-"` for the ends; `(id` excludes it),
/// newest first, at most `count`.
pub fn xrevrange(
    key: impl ToArg,
    end: impl ToArg,
    start: impl ToArg,
    count: Option<u64>,
) -> TypedCommand<Vec<StreamEntry>> {
    range("XREVRANGE", key, end, start, count)
}

fn fixed<const N: usize>(v: Value, what: &str) -> Result<[Value; N], Error> {
    let items = Vec::<Value>::try_from(v)?;
    <[Value; N]>::try_from(items)
        .map_err(|items| Error::decode(format!("{what}: expected {N} items, got {}", items.len())))
}

/// `["id", ["f1","v1",...]]`, or `["id", null]` for a deleted entry.
fn entry(v: Value) -> Result<StreamEntry, Error> {
    let [raw_id, raw_fields] = fixed(v, "stream entry")?;
    let id = String::try_from(raw_id)?.parse()?;
    if raw_fields.is_null() {
        return Ok(StreamEntry {
            id,
            fields: BTreeMap::new(),
            deleted: true,
        });
    }
    let fields = replies::pairs(Vec::<Value>::try_from(raw_fields)?)?
        .into_iter()
        .map(|(k, v)| Ok((String::try_from(k)?, Vec::<u8>::try_from(v)?)))
        .collect::<Result<_, Error>>()?;
    Ok(StreamEntry {
        id,
        fields,
        deleted: false,
    })
}

/// A list of entries (XRANGE); null reads as empty.
fn entries(reply: Result<Value, Error>) -> Result<Vec<StreamEntry>, Error> {
    match reply? {
        Value::Null => Ok(Vec::new()),
        v => Vec::<Value>::try_from(v)?.into_iter().map(entry).collect(),
    }
}

/// XREADGROUP: `[["key", [entries]], ...]`, or null when nothing is new. Entries of all streams
/// are concatenated (the helper reads one stream).
fn read_reply(reply: Result<Value, Error>) -> Result<Vec<StreamEntry>, Error> {
    let streams = match reply? {
        Value::Null => return Ok(Vec::new()),
        v => Vec::<Value>::try_from(v)?,
    };
    let mut out = Vec::new();
    for stream in streams {
        let [_key, stream_entries] = fixed(stream, "XREADGROUP stream")?;
        out.extend(entries(Ok(stream_entries))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::wire;
    use crate::test_support::{b64, wire_b64};

    #[test]
    fn wire_format_and_idempotency() {
        assert_eq!(
            wire(xreadgroup("g", "c", "s", ">", 10).command()),
            r#"["XREADGROUP","GROUP","g","c","COUNT","10","STREAMS","s",">"]"#
        );
        assert_eq!(
            wire(xgroup_create("s", "g", "$").command()),
            r#"["XGROUP","CREATE","s","g","$","MKSTREAM"]"#
        );
        assert_eq!(
            wire(xrange("s", "-", "+", Some(2)).command()),
            r#"["XRANGE","s","-","+","COUNT","2"]"#
        );
        assert!(!xreadgroup("g", "c", "s", ">", 1).command().is_idempotent());
        assert!(xgroup_create("s", "g", "$").command().is_idempotent());
        assert!(xrange("s", "-", "+", None).command().is_idempotent());
        assert_eq!(
            wire(xrevrange("s", "(5-1", "-", Some(3)).command()),
            r#"["XREVRANGE","s","(5-1","-","COUNT","3"]"#
        );
        assert!(xrevrange("s", "+", "-", None).command().is_idempotent());
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
    fn stream_ids_parse_display_and_order() {
        let id: StreamId = "1717000000000-5".parse().unwrap();
        assert_eq!(id, StreamId::new(1717000000000, 5));
        assert_eq!(id.to_string(), "1717000000000-5");
        assert_eq!("42".parse::<StreamId>(), Ok(StreamId::new(42, 0)));
        assert!("x-1".parse::<StreamId>().is_err());
        assert!("1-".parse::<StreamId>().is_err());
        assert!(StreamId::new(1, 9) < StreamId::new(2, 0));
    }

    #[test]
    fn xreadgroup_replies() {
        // [["s",[["1717000000000-0",["field","value"]]]]], base64 everywhere inside arrays.
        let v = b64(
            200,
            r#"{"result":[["cw==",[["MTcxNzAwMDAwMDAwMC0w",["ZmllbGQ=","dmFsdWU="]]]]]}"#,
        );
        let got = read_reply(v).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].id, StreamId::new(1717000000000, 0));
        assert_eq!(got[0].get_str("field"), Some("value"));
        assert_eq!(got[0].get("missing"), None);
        assert!(!got[0].deleted);
        assert_eq!(read_reply(b64(200, r#"{"result":null}"#)), Ok(vec![]));
        // A pending entry deleted since.
        let got = read_reply(wire_b64(r#"{"result":[["s",[["1-0",["f","v"]],["2-0",null]]]]}"#)).unwrap();
        assert_eq!((got.len(), got[0].deleted, got[1].deleted), (2, false, true));
        assert_eq!(got[1].id, StreamId::new(2, 0));
        assert!(got[1].fields.is_empty());
    }

    #[test]
    fn xrange_entries_including_a_deleted_one() {
        let got = entries(wire_b64(r#"{"result":[["1-0",["a","1","b","2"]],["1-1",null]]}"#)).unwrap();
        assert_eq!(got[0].fields.len(), 2);
        assert_eq!(got[0].get_str("b"), Some("2"));
        assert!(got[1].deleted);
        assert_eq!(entries(wire_b64(r#"{"result":[]}"#)), Ok(vec![]));
        assert!(matches!(
            entries(wire_b64(r#"{"result":[["1-0",["odd"]]]}"#)),
            Err(Error::Decode(_))
        ));
    }
}
