//! Readings kept between judge runs of one process.
//!
//! A live server judges the whole store after every upload. Reading (cleaning,
//! splitting, recognising) is the costly stage and its result depends only on
//! the report and the bundled reference data, which is fixed per process. A
//! report never changes (its id is its content hash, and a report is stored
//! once), so a reading never goes stale: keeping it lets each run read only
//! the reports that are new since the last one.
//!
//! The cache is bounded by an estimate of the bytes it holds. When full it
//! keeps what it has and stops adding, so memory stays bounded and a bigger
//! store only costs re-reading, never a wrong reading.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use truce_read::Reading;

/// Default bound of the cache: 256 MiB of readings (about ten thousand
/// news-length reports).
pub const DEFAULT_BYTES: usize = 256 << 20;

/// Readings by report id, bounded by estimated size.
pub struct ReadingCache {
    limit: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    map: HashMap<String, Arc<Reading>>,
    bytes: usize,
    hits: u64,
    misses: u64,
}

/// What the cache holds and how it was used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Readings held.
    pub entries: usize,
    /// Their estimated size.
    pub bytes: usize,
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that had to read.
    pub misses: u64,
}

impl std::fmt::Debug for ReadingCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadingCache").field("limit", &self.limit).field("stats", &self.stats()).finish()
    }
}

/// Estimated heap size of a reading: its texts and vectors.
pub fn estimate(r: &Reading) -> usize {
    let mentions: usize =
        r.mentions.iter().map(|m| std::mem::size_of::<truce_read::Mention>() + m.actors.len() * 96 + 64).sum();
    std::mem::size_of::<Reading>()
        + r.id.len()
        + r.clean.len() * 3 // the text, its offset map and slack
        + r.sentences.len() * std::mem::size_of::<std::ops::Range<usize>>()
        + mentions
}

impl ReadingCache {
    /// An empty cache holding at most `limit` estimated bytes.
    pub fn new(limit: usize) -> ReadingCache {
        ReadingCache { limit, inner: Mutex::new(Inner::default()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves a map that is still valid.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The reading of report `id`, if kept.
    pub fn get(&self, id: &str) -> Option<Arc<Reading>> {
        let mut g = self.lock();
        let found = g.map.get(id).cloned();
        if found.is_some() {
            g.hits += 1;
        } else {
            g.misses += 1;
        }
        found
    }

    /// Keeps `reading` under `id` when it fits within the bound.
    pub fn put(&self, id: &str, reading: Arc<Reading>) {
        let size = estimate(&reading);
        let mut g = self.lock();
        if g.map.contains_key(id) || g.bytes + size > self.limit {
            return;
        }
        g.bytes += size;
        g.map.insert(id.to_owned(), reading);
    }

    /// Counts.
    pub fn stats(&self) -> CacheStats {
        let g = self.lock();
        CacheStats { entries: g.map.len(), bytes: g.bytes, hits: g.hits, misses: g.misses }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(id: &str, text: &str) -> Arc<Reading> {
        let input = truce_read::ReportInput { id, name: "t.txt", text, is_html: false, published: None };
        Arc::new(truce_read::read(&input, crate::pipeline::refdata().expect("refdata")).0)
    }

    #[test]
    fn it_returns_what_was_put_and_counts_hits_and_misses() {
        let c = ReadingCache::new(DEFAULT_BYTES);
        assert!(c.get("a").is_none());
        let r = reading("a", "Shelling hit Aleppo on Tuesday, killing three people.");
        c.put("a", r.clone());
        let got = c.get("a").expect("kept");
        assert!(Arc::ptr_eq(&got, &r));
        let s = c.stats();
        assert_eq!((s.entries, s.hits, s.misses), (1, 1, 1));
        assert_eq!(s.bytes, estimate(&r));
    }

    #[test]
    fn it_stops_adding_at_its_bound_and_keeps_what_it_has() {
        let one = reading("a", "Shelling hit Aleppo on Tuesday, killing three people.");
        let c = ReadingCache::new(estimate(&one) * 2 + 1);
        c.put("a", one.clone());
        c.put("b", reading("b", "Air strikes hit Idlib on Monday."));
        c.put("c", reading("c", "Rebels shelled Hama on Sunday, a monitor said, killing two."));
        let s = c.stats();
        assert!(s.bytes <= estimate(&one) * 2 + 1, "over the bound: {s:?}");
        assert!(s.entries < 3, "added past the bound: {s:?}");
        assert!(c.get("a").is_some(), "evicted an entry it had");
    }
}
