//! Plain Rust types for stream replies (doc §5) and their decoders.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::replies::{self, to_u64};
use crate::{Error, ToArg, Value};

/// A stream entry ID `<ms>-<seq>`. Ordered as Redis orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    /// `0-0`: before every entry.
    pub const ZERO: StreamId = StreamId { ms: 0, seq: 0 };

    pub const fn new(ms: u64, seq: u64) -> Self {
        Self { ms, seq }
    }

    /// The smallest ID after this one (for exclusive ranges).
    pub fn next(self) -> Self {
        match self.seq.checked_add(1) {
            Some(seq) => Self { seq, ..self },
            None => Self {
                ms: self.ms.saturating_add(1),
                seq: 0,
            },
        }
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

impl ToArg for StreamId {
    fn to_arg(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

/// One entry. `deleted` marks an ID still pending whose entry was trimmed or XDEL'ed
/// (Redis sends its fields as null); such an entry has no fields and should just be XACKed.
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

/// XAUTOCLAIM's reply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AutoClaim {
    /// Where the next XAUTOCLAIM should start; `0-0` when the scan is complete.
    pub next: StreamId,
    pub entries: Vec<StreamEntry>,
    /// Pending IDs whose entries no longer exist (Redis removed them from the PEL).
    pub deleted: Vec<StreamId>,
}

/// XPENDING summary form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PendingSummary {
    pub count: u64,
    pub min_id: Option<StreamId>,
    pub max_id: Option<StreamId>,
    /// Consumer name and its pending count.
    pub consumers: Vec<(String, u64)>,
}

/// One row of XPENDING's extended form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEntry {
    pub id: StreamId,
    pub consumer: String,
    pub idle_ms: u64,
    pub deliveries: u64,
}

/// One group from XINFO GROUPS.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupInfo {
    pub name: String,
    pub consumers: u64,
    pub pending: u64,
    pub last_delivered_id: StreamId,
    /// Redis 7+: may be null when Redis cannot tell.
    pub entries_read: Option<u64>,
    pub lag: Option<u64>,
}

pub(crate) fn id(v: Value) -> Result<StreamId, Error> {
    String::try_from(v)?.parse()
}

fn opt_id(v: Value) -> Result<Option<StreamId>, Error> {
    if v.is_null() {
        Ok(None)
    } else {
        id(v).map(Some)
    }
}

fn fixed<const N: usize>(v: Value, what: &str) -> Result<[Value; N], Error> {
    let items = Vec::<Value>::try_from(v)?;
    <[Value; N]>::try_from(items)
        .map_err(|items| Error::decode(format!("{what}: expected {N} items, got {}", items.len())))
}

/// `["id", ["f1","v1",...]]`, or `["id", null]` for a deleted entry.
pub(crate) fn entry(v: Value) -> Result<StreamEntry, Error> {
    let [raw_id, raw_fields] = fixed(v, "stream entry")?;
    let id = id(raw_id)?;
    if raw_fields.is_null() {
        return Ok(StreamEntry {
            id,
            fields: BTreeMap::new(),
            deleted: true,
        });
    }
    let pairs = replies::pairs(Vec::<Value>::try_from(raw_fields)?)?;
    let fields = pairs
        .into_iter()
        .map(|(k, v)| Ok((String::try_from(k)?, Vec::<u8>::try_from(v)?)))
        .collect::<Result<_, Error>>()?;
    Ok(StreamEntry {
        id,
        fields,
        deleted: false,
    })
}

/// A list of entries (XRANGE, XCLAIM); null reads as empty.
pub(crate) fn entries(reply: Result<Value, Error>) -> Result<Vec<StreamEntry>, Error> {
    match reply? {
        Value::Null => Ok(Vec::new()),
        v => Vec::<Value>::try_from(v)?.into_iter().map(entry).collect(),
    }
}

/// XREAD/XREADGROUP: `[["key", [entries]], ...]`, or null when nothing is new. Entries of all
/// streams are concatenated (the helpers read one stream).
pub(crate) fn read_reply(reply: Result<Value, Error>) -> Result<Vec<StreamEntry>, Error> {
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

/// `["next", [entries], [deleted ids]]` (the third item is Redis 7+).
pub(crate) fn auto_claim(reply: Result<Value, Error>) -> Result<AutoClaim, Error> {
    let mut items = replies::array(reply)?.into_iter();
    let (Some(next), Some(claimed)) = (items.next(), items.next()) else {
        return Err(Error::decode("XAUTOCLAIM: expected at least 2 items"));
    };
    let deleted = match items.next() {
        Some(ids) => Vec::<Value>::try_from(ids)?
            .into_iter()
            .map(id)
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    Ok(AutoClaim {
        next: id(next)?,
        entries: entries(Ok(claimed))?,
        deleted,
    })
}

/// `[count, "min", "max", [["consumer","n"],...]]` or `[0, null, null, null]`.
pub(crate) fn pending_summary(reply: Result<Value, Error>) -> Result<PendingSummary, Error> {
    let [count, min, max, consumers] = fixed(reply?, "XPENDING summary")?;
    let consumers = match consumers {
        Value::Null => Vec::new(),
        v => Vec::<Value>::try_from(v)?
            .into_iter()
            .map(|c| {
                let [name, n] = fixed(c, "XPENDING consumer")?;
                Ok((String::try_from(name)?, to_u64(&n)?))
            })
            .collect::<Result<_, Error>>()?,
    };
    Ok(PendingSummary {
        count: to_u64(&count)?,
        min_id: opt_id(min)?,
        max_id: opt_id(max)?,
        consumers,
    })
}

/// `[["id","consumer",idle,deliveries],...]`.
pub(crate) fn pending_entries(reply: Result<Value, Error>) -> Result<Vec<PendingEntry>, Error> {
    let row = |v: Value| {
        let [id_v, consumer, idle, deliveries] = fixed(v, "XPENDING entry")?;
        Ok(PendingEntry {
            id: id(id_v)?,
            consumer: String::try_from(consumer)?,
            idle_ms: to_u64(&idle)?,
            deliveries: to_u64(&deliveries)?,
        })
    };
    replies::array(reply)?.into_iter().map(row).collect()
}

/// `[["name","g","consumers",1,...],...]`: flat key/value arrays.
pub(crate) fn groups(reply: Result<Value, Error>) -> Result<Vec<GroupInfo>, Error> {
    let opt_u64 = |v: &Value| {
        if v.is_null() {
            Ok(None)
        } else {
            to_u64(v).map(Some)
        }
    };
    let group = |v: Value| {
        let mut g = GroupInfo::default();
        for (k, v) in replies::pairs(Vec::<Value>::try_from(v)?)? {
            match k.as_str().unwrap_or_default() {
                "name" => g.name = String::try_from(v)?,
                "consumers" => g.consumers = to_u64(&v)?,
                "pending" => g.pending = to_u64(&v)?,
                "last-delivered-id" => g.last_delivered_id = id(v)?,
                "entries-read" => g.entries_read = opt_u64(&v)?,
                "lag" => g.lag = opt_u64(&v)?,
                _ => {}
            }
        }
        Ok(g)
    };
    replies::array(reply)?.into_iter().map(group).collect()
}

#[cfg(test)]
#[path = "stream_types_tests.rs"]
mod tests;
