//! The hash-chained event log: the pure part (hashing, checking).
//!
//! Entry `n` stores `hash = SHA-256(prev_hash ‖ seq ‖ at ‖ kind ‖ entity ‖ payload)`
//! (fields joined by newlines), where `prev_hash` is entry `n-1`'s hash and the
//! first entry's `prev_hash` is 64 zeros. Changing any field of any entry, or
//! removing one, breaks the chain at that entry.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// What happened, e.g. `report.ingested`.
    pub kind: String,
    /// The entity it happened to (a report id, an incident id).
    pub entity: String,
    /// Canonical JSON describing the change.
    pub payload: String,
}

impl NewEvent {
    /// Builds an event.
    pub fn new(kind: impl Into<String>, entity: impl Into<String>, payload: impl Into<String>) -> Self {
        Self { kind: kind.into(), entity: entity.into(), payload: payload.into() }
    }
}

/// A stored log entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    /// Position in the log, from 1.
    pub seq: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// The kind.
    pub kind: String,
    /// The entity.
    pub entity: String,
    /// The payload.
    pub payload: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The hash of an entry's content.
pub fn entry_hash(prev_hash: &str, seq: i64, at: i64, kind: &str, entity: &str, payload: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev_hash, &seq.to_string(), &at.to_string(), kind, entity] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    h.update(payload.as_bytes());
    hex::encode(h.finalize())
}

/// The last entry of the chain, to append after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    pub(crate) fn from_last(last: Option<(i64, String)>) -> Self {
        match last {
            Some((seq, hash)) => Self { seq, hash },
            None => Self { seq: 0, hash: GENESIS.to_owned() },
        }
    }

    /// The next entry for `ev`, advancing the head.
    pub(crate) fn next(&mut self, ev: &NewEvent, at_ms: i64) -> EventRow {
        let seq = self.seq + 1;
        let hash = entry_hash(&self.hash, seq, at_ms, &ev.kind, &ev.entity, &ev.payload);
        let row = EventRow {
            seq,
            at: at_ms,
            kind: ev.kind.clone(),
            entity: ev.entity.clone(),
            payload: ev.payload.clone(),
            prev_hash: std::mem::replace(&mut self.hash, hash.clone()),
            hash,
        };
        self.seq = seq;
        row
    }
}

/// Where and why the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first broken entry's sequence number.
    pub seq: i64,
    /// Its kind and entity, for people.
    pub what: String,
    /// Why it is broken.
    pub reason: String,
}

/// The result of walking the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Entries checked.
    pub entries: u64,
    /// The first break, if any.
    pub first_break: Option<ChainBreak>,
}

/// Walks entries in order, keeping the expected previous hash and sequence.
#[derive(Debug)]
pub(crate) struct Verifier {
    expect_seq: i64,
    prev_hash: String,
    pub entries: u64,
}

impl Verifier {
    pub(crate) fn new() -> Self {
        Self { expect_seq: 1, prev_hash: GENESIS.to_owned(), entries: 0 }
    }

    /// Checks one entry; returns the break if it is broken.
    pub(crate) fn check(&mut self, e: &EventRow) -> Option<ChainBreak> {
        self.entries += 1;
        let brk = |reason: String| Some(ChainBreak { seq: e.seq, what: format!("{} {}", e.kind, e.entity), reason });
        if e.seq != self.expect_seq {
            return brk(format!("expected entry {} here, found {} (an entry is missing)", self.expect_seq, e.seq));
        }
        if e.prev_hash != self.prev_hash {
            return brk(format!("prev_hash {} does not match the hash of entry {}", short(&e.prev_hash), e.seq - 1));
        }
        let computed = entry_hash(&e.prev_hash, e.seq, e.at, &e.kind, &e.entity, &e.payload);
        if computed != e.hash {
            return brk(format!(
                "content does not match its hash (stored {}, computed {})",
                short(&e.hash),
                short(&computed)
            ));
        }
        self.expect_seq += 1;
        self.prev_hash.clone_from(&e.hash);
        None
    }
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// SHA-256 of a text, as hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<EventRow> {
        let mut head = ChainHead::from_last(None);
        (0..n).map(|i| head.next(&NewEvent::new("k", format!("e{i}"), "{}"), i as i64)).collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let mut v = Verifier::new();
        assert!(chain(5).iter().all(|e| v.check(e).is_none()));
        assert_eq!(v.entries, 5);
    }

    #[test]
    fn tampering_names_the_entry() {
        let mut rows = chain(5);
        rows[2].payload = r#"{"fatalities":99}"#.into();
        let mut v = Verifier::new();
        let brk = rows.iter().find_map(|e| v.check(e)).unwrap();
        assert_eq!(brk.seq, 3);
        assert!(brk.reason.contains("does not match its hash"));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let mut rows = chain(5);
        rows.remove(1);
        let mut v = Verifier::new();
        let brk = rows.iter().find_map(|e| v.check(e)).unwrap();
        assert_eq!(brk.seq, 3);
    }
}
