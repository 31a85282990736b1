//! Dead letters, handled: the events of a stream that could never apply (`<stream>:dead`, written
//! by `consumer_run.lua`), listed, replayed onto their stream or discarded by an operator. Each
//! operation is one round trip: a list page is one `XRANGE`, a replay or a discard one key-locked
//! script.

use std::collections::BTreeMap;

use domain::{EntryId, EntryPage, EntryPageRequest};
use serde::Serialize;
use upstash_rest::{scripts, streams, Client, Error, StreamEntry, Transport};

use crate::schema::{dead_letter, Stream};
use crate::script::{number, Script};
use crate::Keys;

pub(crate) static REPLAY: Script = script!(key_locked "replay_dead_letters.lua");
pub(crate) static DISCARD: Script = script!(key_locked "discard_dead_letters.lua");

/// Dead letters one replay of "all" moves at most (the answer says how many remain).
pub const REPLAY_BATCH: u64 = 1_000;

/// The list name of a stream's dead letters in cursors: `dead_order_completed`.
pub fn list_name(stream: Stream) -> String {
    format!("dead_{}", stream.name())
}

/// One dead letter, as `GET /dead-letters/{stream}` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"id": "1795623560000-0", "source_id": "1795623553161-0", "reason": "damaged_order",
    "deliveries": 5, "died_at": "2026-11-25T16:19:20.000Z", "fields": {"pk": "01JDQ3V4R2B7C9D1E3F5G7H9JK", "status": "completed"}}))]
pub struct DeadLetter {
    /// Its id among the dead letters: what replay and discard name.
    pub id: String,
    /// The event's id in its stream when it died.
    pub source_id: String,
    /// Why it could not apply: `malformed`, `unknown_order`, `damaged_order`,
    /// `damaged_product`, `refund_not_requested` or `not_paid`.
    pub reason: String,
    /// How many times it was delivered before it died.
    pub deliveries: u64,
    /// When it died (RFC 3339 UTC).
    #[schema(format = DateTime)]
    pub died_at: String,
    /// The event's own fields, as a replay puts them back.
    pub fields: BTreeMap<String, String>,
}

impl DeadLetter {
    fn from_entry(entry: &StreamEntry) -> Self {
        let text = |name: &str| entry.get_str(name).unwrap_or_default().to_owned();
        let own = [
            dead_letter::SOURCE_ID,
            dead_letter::REASON,
            dead_letter::DELIVERIES,
        ];
        Self {
            id: entry.id.to_string(),
            source_id: text(dead_letter::SOURCE_ID),
            reason: text(dead_letter::REASON),
            deliveries: text(dead_letter::DELIVERIES).parse().unwrap_or(0),
            died_at: domain::time::rfc3339(entry.id.ms),
            fields: entry
                .fields
                .iter()
                .filter(|(name, _)| !own.contains(&name.as_str()))
                .map(|(name, value)| (name.clone(), String::from_utf8_lossy(value).into_owned()))
                .collect(),
        }
    }
}

/// A dead letter put back onto its stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReplayedEvent {
    /// Its id among the dead letters (gone now).
    pub dead_letter_id: String,
    /// Its new id in the stream.
    pub event_id: String,
}

/// What a replay did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Replayed {
    pub replayed: Vec<ReplayedEvent>,
    /// Dead letters of the stream left after it.
    pub remaining: u64,
}

pub struct DeadLetters<'a, T> {
    client: &'a Client<T>,
    keys: &'a Keys,
}

impl<'a, T: Transport> DeadLetters<'a, T> {
    pub fn new(client: &'a Client<T>, keys: &'a Keys) -> Self {
        Self { client, keys }
    }

    /// A page of `stream`'s dead letters, oldest first (the order a replay of all takes): one
    /// `XRANGE`.
    pub async fn list(
        &self,
        stream: Stream,
        page: &EntryPageRequest,
    ) -> Result<EntryPage<DeadLetter>, Error> {
        let from = match page.after {
            // Nothing comes after the last possible id (and Redis refuses it as an exclusive bound).
            Some(after) if after.ms == u64::MAX && after.seq == u64::MAX => {
                return Ok(EntryPage {
                    items: vec![],
                    next: None,
                })
            }
            Some(after) => format!("({after}"),
            None => "-".to_owned(),
        };
        let read = streams::xrange(
            self.keys.dead_letters(stream),
            from,
            "+",
            Some(u64::from(page.limit) + 1),
        );
        let mut entries = self.client.run(read).await?;
        let more = entries.len() > page.limit as usize;
        entries.truncate(page.limit as usize);
        let next = entries.last().filter(|_| more).map(|e| EntryId {
            ms: e.id.ms,
            seq: e.id.seq,
        });
        Ok(EntryPage {
            items: entries.iter().map(DeadLetter::from_entry).collect(),
            next,
        })
    }

    /// Puts one dead letter (`Some`: `None` if there is no such one) or the oldest
    /// [`REPLAY_BATCH`] back onto `stream`, without their dead-letter fields, and removes them
    /// from the dead letters: one script.
    pub async fn replay(&self, stream: Stream, one: Option<EntryId>) -> Result<Option<Replayed>, Error> {
        let keys = [self.keys.dead_letters(stream), self.keys.stream(stream)];
        let args = [
            one.map(|id| id.to_string()).unwrap_or_default(),
            REPLAY_BATCH.to_string(),
        ];
        // Not sent again after a failure that may have reached Redis: it would add the events
        // twice (harmless duplicates, but noise). The operator sees a 503 and the list.
        let replay = scripts::eval(REPLAY.source(), keys, args).idempotent(false);
        let parts = self.client.run(replay).await?.into_array().unwrap_or_default();
        let replayed: Vec<ReplayedEvent> = parts
            .get(1..)
            .unwrap_or_default()
            .chunks(2)
            .filter_map(|pair| {
                Some(ReplayedEvent {
                    dead_letter_id: pair.first()?.as_str()?.to_owned(),
                    event_id: pair.get(1)?.as_str()?.to_owned(),
                })
            })
            .collect();
        if one.is_some() && replayed.is_empty() {
            return Ok(None);
        }
        Ok(Some(Replayed {
            replayed,
            remaining: number(parts.first()).unwrap_or(0),
        }))
    }

    /// Removes one dead letter (`Some`) or all of `stream`'s: how many it removed (0: no such
    /// one). One script.
    pub async fn discard(&self, stream: Stream, one: Option<EntryId>) -> Result<u64, Error> {
        let keys = [self.keys.dead_letters(stream)];
        let args = [one.map(|id| id.to_string()).unwrap_or_default()];
        // Not sent again after a failure that may have reached Redis: the retry would find nothing
        // and answer 404 for a discard that happened.
        let discard = scripts::eval(DISCARD.source(), keys, args).idempotent(false);
        Ok(number(Some(&self.client.run(discard).await?)).unwrap_or(0))
    }
}
